// Package api grows registry's exported tables from another package.
package api

import (
	"net/http"

	"leakls.test/globalpos/registry"
	reg "leakls.test/globalpos/registry"
)

// HelloHandler registers the client a request names.
func HelloHandler(w http.ResponseWriter, r *http.Request) {
	Hello(r.URL.Query().Get("id"))
}

// Hello registers a client.
func Hello(id string) {
	registry.Clients[id] = &registry.Conn{ID: id}
	reg.Log = append(reg.Log, "hello "+id)
}
