package main

import "sync"

// Hub knows the open connections, in the order they arrived, to broadcast to them.
type Hub struct {
	mu    sync.Mutex
	conns []*Conn
}

// add registers a new connection.
func (h *Hub) add(c *Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conns = append(h.conns, c)
}

// remove marks c closed and drops closed connections from the front of the list; clients
// mostly leave in the order they came, so the list stays about as long as the open
// connections. The dropped *Conn stay in the backing array, with their buffers, until an
// append outgrows it. leakls: slice-retains.
func (h *Hub) remove(c *Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.closed = true
	for len(h.conns) > 0 {
		if !h.conns[0].closed {
			break
		}
		h.conns = h.conns[1:]
	}
}

// broadcast sends a line to every open connection.
func (h *Hub) broadcast(line string) int {
	h.mu.Lock()
	open := make([]*Conn, 0, len(h.conns))
	for _, c := range h.conns {
		if !c.closed {
			open = append(open, c)
		}
	}
	h.mu.Unlock()
	for _, c := range open {
		c.write(line)
	}
	return len(open)
}
