// Command heartbeat is a small server with the timer leaks leakls finds: a ticker per
// connection that is never stopped, time.Tick in a handler, and time.After in a select loop.
package main

import (
	"fmt"
	"net"
	"time"
)

type client struct {
	conn net.Conn
	send chan []byte
	done chan struct{}
}

// heartbeat pings the client until it goes away. Its ticker is never stopped: before Go 1.23
// each connection leaves one behind for good.
func (c *client) heartbeat(interval time.Duration) {
	ticker := time.NewTicker(interval)
	for {
		select {
		case <-ticker.C:
			if _, err := c.conn.Write([]byte("ping\n")); err != nil {
				return
			}
		case <-c.done:
			return
		}
	}
}

// report prints a status line every second until the client leaves.
func (c *client) report() {
	for range time.Tick(time.Second) {
		select {
		case <-c.done:
			return
		default:
			fmt.Println("client", c.conn.RemoteAddr(), "alive")
		}
	}
}

// pump forwards messages, giving up after a minute of silence.
func (c *client) pump() {
	for {
		select {
		case msg := <-c.send:
			if _, err := c.conn.Write(msg); err != nil {
				return
			}
		case <-time.After(time.Minute):
			return
		}
	}
}

func serve(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		c := &client{conn: conn, send: make(chan []byte), done: make(chan struct{})}
		go c.heartbeat(10 * time.Second)
		go c.report()
		go c.pump()
	}
}

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println("listening on", l.Addr())
	if err := serve(l); err != nil {
		fmt.Println(err)
	}
}
