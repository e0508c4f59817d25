// Package api grows registry's exported tables from another package.
package api

import (
	"leakls.test/globalpos/registry"
	reg "leakls.test/globalpos/registry"
)

// Hello registers a client.
func Hello(id string) {
	registry.Clients[id] = &registry.Conn{ID: id}
	reg.Log = append(reg.Log, "hello "+id)
}
