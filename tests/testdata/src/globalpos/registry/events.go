package registry

import (
	"net/http"
	"sync"
)

// Message is what a sender sends.
type Message struct{ From, Text string }

// perSender counts the messages of each sender: grown on every message of a channel range.
var perSender = map[string]int{} // want `global-growth: package-level map .perSender. only grows: events.go:\d+ adds to it on every event \(a loop in .Track.\)`

// lastSeen is grown on every pass of a select loop.
var lastSeen sync.Map // want `global-growth: package-level sync.Map .lastSeen. only grows: events.go:\d+ adds to it on every event \(a loop in .Pump.\)`

// byRequest is grown two method calls below a ServeHTTP method.
var byRequest = map[string]bool{} // want `global-growth: package-level map .byRequest. only grows: events.go:\d+ adds to it on every request \(handler .Server.ServeHTTP. → .Server.track. → .Server.remember.\)`

// Track counts the messages of each sender, on every message that arrives.
func Track(in <-chan Message) {
	for m := range in {
		perSender[m.From]++
	}
}

// Pump remembers the last message of each sender until told to quit.
func Pump(in chan Message, quit chan struct{}) {
	for {
		select {
		case m := <-in:
			lastSeen.Store(m.From, m)
		case <-quit:
			return
		}
	}
}

// Server serves HTTP.
type Server struct{}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.track(r.Header.Get("X-Id"))
}

func (s *Server) track(id string) { s.remember(id) }

func (s *Server) remember(id string) { byRequest[id] = true }
