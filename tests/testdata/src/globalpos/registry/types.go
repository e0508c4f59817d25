package registry

import "net"

// Conn is one client connection.
type Conn struct {
	ID   string
	Addr net.Addr
}

// registry is a table of connections by id.
type registry map[string]*Conn

// connList is every connection in arrival order.
type connList []*Conn
