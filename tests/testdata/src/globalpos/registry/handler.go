package registry

import (
	"fmt"
	"net"
)

// Accept records a new connection.
func Accept(id string, addr net.Addr) *Conn {
	sessions[id] = &Conn{ID: id, Addr: addr}
	c := sessions[id]
	conns[id] = c
	history = append(history, c)
	hits[addr.String()]++
	byAddr.Store(addr.String(), c)
	if _, loaded := seen.LoadOrStore(id, true); loaded {
		fmt.Println("again:", id, len(sessions))
	}
	tokens.Store(id, addr)
	visits[id]++
	routes[id] = len(routes)
	recent[id] = c
	return c
}

// Rename moves a connection to a new id, leaving the old entry behind.
func Rename(c *Conn, id string) {
	sessions[id] = c
	Log = append(Log, fmt.Sprint("renamed ", c.ID))
}

// Restore puts a connection back.
func Restore(c *Conn) {
	if v, ok := byAddr.Load(c.Addr.String()); ok {
		sessions[c.ID] = v.(*Conn)
	}
}

// Forget empties a local table that happens to be called recent.
func Forget(id string) {
	recent := map[string]*Conn{id: nil}
	delete(recent, id)
	clear(recent)
}
