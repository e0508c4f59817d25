package slicepos

import "sync"

// inFlight is the state of a connection, lent to callbacks under the connection's lock
// (x/tools' jsonrpc2 Connection.updateInFlight): it lives as long as the connection.
type inFlight struct {
	handlerQueue []*Conn
	running      bool
}

type connection struct {
	mu    sync.Mutex
	state inFlight
}

func (c *connection) update(f func(*inFlight)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.state)
}

func (c *connection) next() *Conn {
	var req *Conn
	c.update(func(s *inFlight) {
		if len(s.handlerQueue) > 0 {
			req = s.handlerQueue[0]
			s.handlerQueue = s.handlerQueue[1:] // want `slice-retains: re-slicing .s\.handlerQueue. from the front leaves the dropped \*Conn`
		} else {
			s.running = false
		}
	})
	return req
}

func (c *connection) accept(r *Conn) {
	c.update(func(s *inFlight) {
		s.handlerQueue = append(s.handlerQueue, r)
	})
}
