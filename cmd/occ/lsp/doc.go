// Package lsp is the occ language server, which `occ lsp` runs: it speaks
// the Language Server Protocol (JSON-RPC 2.0 with Content-Length framing)
// over a pair of streams, standard input and output in the command.
//
// It offers diagnostics as the contract is typed (the same as occ check:
// lang.Parse and compiler.Compile over the contract file and the test files
// beside it, with codes and hints, published per file), hover, go to
// definition and find references for params, data schemas, fields, rules
// and lets, completion, formatting (lang.Format, as occ fmt) and document
// symbols.
//
// The files:
//
//   - jsonrpc.go: reading and writing framed JSON-RPC messages.
//   - protocol.go: the LSP types the server reads and writes.
//   - server.go: Serve, the session's lifecycle, dispatch and diagnostics.
//   - workspace.go: open documents, grouping files into contracts, loading.
//   - text.go: converting byte offsets, occ positions (1-based lines and
//     code point columns) and LSP positions (0-based, UTF-16 code units).
//   - index.go: the names of a contract, their declarations and uses.
//   - hover.go, nav.go, complete.go, symbols.go: the requests.
//
// The package is part of the command line: only cmd/occ imports it.
package lsp
