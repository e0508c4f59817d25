package main

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"time"
)

// Conn is one client connection, upgraded from HTTP, speaking a line protocol.
type Conn struct {
	id     uint64
	nc     net.Conn
	rw     *bufio.ReadWriter
	mu     sync.Mutex // serialises writes: the heartbeat and the reader both write
	done   chan struct{}
	closed bool // set by the hub, under its lock
	// profile is the client's, when the store answered in time.
	profile *Profile
}

// write sends one line to the client.
func (c *Conn) write(line string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.rw.WriteString(line + "\n"); err != nil {
		return err
	}
	return c.rw.Flush()
}

// heartbeat pings the client until the connection ends. Its ticker is never stopped: under
// Go 1.22 semantics the runtime keeps it, and its channel, for good. leakls: unstopped-ticker.
func (c *Conn) heartbeat(every time.Duration) {
	t := time.NewTicker(every)
	for {
		select {
		case <-t.C:
			if err := c.write("beat"); err != nil {
				return
			}
		case <-c.done:
			return
		}
	}
}

// serve answers the client's lines until it says bye or goes away, then closes the connection.
func (c *Conn) serve(hub *Hub, every time.Duration) {
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		c.heartbeat(every)
	}()
	defer func() {
		close(c.done)
		<-beating
		c.nc.Close()
		hub.remove(c)
	}()

	c.profile = lookupProfile(c.id, 20*time.Millisecond)
	if c.write("hello") != nil {
		return
	}
	for {
		line, err := c.rw.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.TrimSpace(line); cmd {
		case "ping":
			err = c.write("pong")
		case "bye":
			c.write("bye")
			return
		default:
			err = c.write("echo " + cmd)
		}
		if err != nil {
			return
		}
	}
}
