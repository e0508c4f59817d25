// Command server serves connections: what it makes per connection repeats.
package main

import (
	"net"
	"time"
)

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	serve(l)
}

func serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go handle(c)
	}
}

// handle runs for every connection.
func handle(c net.Conn) {
	defer c.Close()
	t := time.NewTicker(time.Second) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
	beat := time.Tick(time.Second) // want `time-tick: the ticker behind time.Tick can never be stopped`
	<-beat
}
