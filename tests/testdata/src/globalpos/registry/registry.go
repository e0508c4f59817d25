// Package registry keeps the server's tables; other files and packages grow them.
package registry

import "sync"

// conns has a named map type declared in types.go; handler.go adds to it.
var conns = registry{} // want `global-growth: package-level map .conns. only grows: handler.go:\d+ adds to it on every event \(a loop in .Serve. → .handle. → .Accept.\), and nothing in the module removes from it`

// history has a named slice type declared in types.go.
var history connList // want `global-growth: package-level slice .history. only grows: handler.go:\d+ adds to it on every event`

// sessions is grown in three places, in two files.
var sessions = map[string]*Conn{} // want `global-growth: package-level map .sessions. only grows: 3 places add to it, the first at handler.go:10 on every event \(a loop in .Serve. → .handle. → .Accept.\), and nothing in the module removes from it`

// hits counts requests per path with ++.
var hits = make(map[string]int) // want `global-growth: package-level map .hits. only grows: handler.go:\d+ adds to it on every event`

// byAddr is a sync.Map value.
var byAddr sync.Map // want `global-growth: package-level sync.Map .byAddr. only grows: handler.go:\d+ adds to it on every event`

// seen is a pointer to a sync.Map, from a composite literal.
var seen = &sync.Map{} // want `global-growth: package-level sync.Map .seen. only grows: handler.go:\d+ adds to it on every event`

// tokens is a *sync.Map declared with its type.
var tokens *sync.Map = new(sync.Map) // want `global-growth: package-level sync.Map .tokens. only grows: handler.go:\d+ adds to it on every event`

// Clients is grown by package api.
var Clients = map[string]*Conn{} // want `global-growth: package-level map .Clients. only grows: ../api/api.go:\d+ adds to it on every request \(handler .HelloHandler. → .Hello.\), and nothing in the module removes from it`

// Log is appended to by package api under another import name, and read here.
var Log []string // want `global-growth: package-level slice .Log. only grows: 2 places add to it, the first at ../api/api.go:\d+ on every request`

// visits is deleted from only by a test, which cures nothing; the test's own write is no growth.
var visits = map[string]int{} // want `global-growth: package-level map .visits. only grows: handler.go:\d+ adds to it on every event`

// routes is seeded in init, then grown by a handler: only the handler counts.
var routes = map[string]int{} // want `global-growth: package-level map .routes. only grows: handler.go:\d+ adds to it on every event`

// recent is grown; a function that deletes from a local of the same name does not shrink it.
var recent = map[string]*Conn{} // want `global-growth: package-level map .recent. only grows: handler.go:\d+ adds to it on every event`

func init() {
	routes["/"] = 0
	routes["/health"] = 0
}

// Count reads the tables without changing them.
func Count() int {
	n := len(sessions) + len(Log)
	for range history {
		n++
	}
	return n
}
