package main

import "io"

func diffXLSX(w io.Writer, r *diffReport) error { return nil }
