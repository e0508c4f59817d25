// Package testfiles: a _test.go file runs in a process that ends with the test, so what it
// leaks is gone a moment later. leakls does not check test files unless `tests = true`.
package testfiles

// Pool hands out buffers.
type Pool struct{ free []*[]byte }
