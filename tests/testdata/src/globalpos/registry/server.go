package registry

import "net"

// Serve accepts connections until the listener fails: each one is handled in a goroutine of
// its own, on every pass of the loop.
func Serve(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go handle(c)
	}
}

// handle records the connection in every table.
func handle(c net.Conn) {
	id := c.RemoteAddr().String()
	conn := Accept(id, c.RemoteAddr())
	Rename(conn, id+"-renamed")
	Restore(conn)
	Forget(id)
}
