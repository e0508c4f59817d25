// Package cleanup prunes store's exported tables from another package.
package cleanup

import (
	"leakls.test/globalneg/store"
	st "leakls.test/globalneg/store"
)

// Sweep removes an item and empties a table.
func Sweep(name string) {
	delete(store.Pruned, name)
	clear(st.Flushed)
}
