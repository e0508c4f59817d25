// Command wshub is a small chat-style server with the leaks leakls was made for: each
// connection's heartbeat ticker is never stopped (conn.go), the hub drops connections from the
// front of a slice without clearing the slots (hub.go), and a package-level map of sessions only
// grows (sessions.go).
//
// Clients upgrade a GET /ws request, as websocket clients do, and then speak lines: the server
// says "hello", answers "ping" with "pong", and closes the connection after "bye".
// GET /sample collects garbage and appends a heap sample to the -csv file; GET /quit stops the
// server. examples/wshub/load drives it, and demo.sh runs both before and after leakls --fix.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	addrFile := flag.String("addrfile", "", "write the address listened on to this file")
	csvPath := flag.String("csv", "heap.csv", "append heap samples to this CSV file")
	every := flag.Duration("heartbeat", 30*time.Second, "heartbeat interval per connection")
	limit := flag.Duration("limit", 5*time.Minute, "exit after this long in any case")
	heapDir := flag.String("heapdir", "", "also write a heap profile to this folder at each sample")
	flag.Parse()
	if *heapDir != "" {
		// A sample every 4 KB allocated on average (512 KB by default): small objects such as
		// a ticker show on their own lines.
		runtime.MemProfileRate = 4096
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	sampler, err := newSampler(*csvPath, *heapDir)
	if err != nil {
		log.Fatal(err)
	}
	time.AfterFunc(*limit, func() {
		log.Printf("wshub: still running after %v, exiting", *limit)
		os.Exit(1)
	})

	s := &server{hub: &Hub{}, every: *every, sampler: sampler, quit: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", s.upgrade)
	mux.HandleFunc("GET /announce", s.announce)
	mux.HandleFunc("GET /sample", s.sample)
	// For leakls heap --url: the live heap, on this machine only (the server listens on
	// 127.0.0.1 unless told otherwise).
	mux.Handle("GET /debug/pprof/heap", pprof.Handler("heap"))
	stop := sync.OnceFunc(func() { close(s.quit) })
	mux.HandleFunc("GET /quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		stop()
	})
	go func() {
		if err := http.Serve(ln, mux); err != nil {
			log.Print(err)
		}
	}()
	<-s.quit
	if err := sampler.close(); err != nil {
		log.Fatal(err)
	}
}

type server struct {
	hub     *Hub
	every   time.Duration
	sampler *sampler
	quit    chan struct{}
	nextID  atomic.Uint64
	open    atomic.Int64 // connections upgraded and not yet fully closed
	served  atomic.Int64 // connections fully closed
}

// upgrade takes over the HTTP connection and serves the line protocol on it.
func (s *server) upgrade(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "wshub" {
		http.Error(w, "expected Upgrade: wshub", http.StatusUpgradeRequired)
		return
	}
	nc, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.open.Add(1)
	defer func() {
		s.open.Add(-1)
		s.served.Add(1)
	}()
	rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: wshub\r\nConnection: Upgrade\r\n\r\n")

	c := &Conn{id: s.nextID.Add(1), nc: nc, rw: rw, done: make(chan struct{})}
	remember(c.id)
	s.hub.add(c)
	c.serve(s.hub, s.every)
}

// announce broadcasts the query parameter msg to every open connection.
func (s *server) announce(w http.ResponseWriter, r *http.Request) {
	n := s.hub.broadcast("announce " + r.URL.Query().Get("msg"))
	fmt.Fprintf(w, "sent to %d\n", n)
}

// sample waits (a little) for open connections to finish, then records the heap.
func (s *server) sample(w http.ResponseWriter, r *http.Request) {
	for wait := 0; s.open.Load() > 0 && wait < 5000; wait++ {
		time.Sleep(time.Millisecond)
	}
	row, err := s.sampler.record(s.served.Load(), sessionCount())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, row)
}
