// Package schedule lays a checked contract out as a payment schedule a
// tender pack can carry: the parties, term and settlement; the params as
// commissioners write them; the data the contract is paid on; every rule
// in plain English, with its title, kind and scope; and the contract's
// tests as worked examples. Build makes the document, and WriteMarkdown
// and WriteHTML write it; the HTML page is self-contained and prints on A4.
//
// The words come from package prose, which reads each rule from its
// checked expressions, so the schedule says what the code does.
package schedule
