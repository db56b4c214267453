// Command occ is the outcome contract compiler: it checks, formats, tests and
// evaluates outcome-based care contracts.
package main

import "os"

func main() { os.Exit(Main()) }
