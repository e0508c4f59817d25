// Package testfileson: with `tests = true` in leakls.toml, test files are checked like the
// others.
package testfileson

// Pool hands out buffers.
type Pool struct{ free []*[]byte }
