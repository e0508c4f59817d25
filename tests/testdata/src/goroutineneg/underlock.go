package goroutineneg

import "sync"

// Waits under a lock whose partners do not need it, or release it first.

type heartbeat struct {
	mu    sync.Mutex
	beats chan int
	count int
}

func (h *heartbeat) await() {
	h.mu.Lock()
	defer h.mu.Unlock()
	<-h.beats // the sender below does not take the lock
}

func (h *heartbeat) beat() {
	h.count++
	h.beats <- h.count
}

type mailbox struct {
	mu      sync.Mutex
	letters chan string
}

func (m *mailbox) take() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return <-m.letters
}

// Unlocks before it sends: the receiver holding the lock can be reached.
func (m *mailbox) post(s string) {
	m.mu.Lock()
	m.mu.Unlock()
	m.letters <- s
}

type gate struct {
	mu   sync.Mutex
	open chan struct{}
}

// The sender holds the lock, but the receiver waits without it.
func (g *gate) wait() {
	g.mu.Lock()
	g.mu.Unlock()
	<-g.open
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.open)
}
