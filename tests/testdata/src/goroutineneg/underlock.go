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

// The worker's loop does not need the lock; and a receiver that takes it once, then never
// receives again.
type collector struct {
	mu       sync.Mutex
	samples  chan int
	finished chan struct{}
	total    int
}

func newCollector() *collector {
	c := &collector{samples: make(chan int), finished: make(chan struct{})}
	go func() {
		defer close(c.finished)
		for v := range c.samples {
			c.total += v
		}
	}()
	return c
}

func (c *collector) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.samples)
	<-c.finished
}

type oneShot struct {
	mu    sync.Mutex
	ready chan bool
}

func (o *oneShot) await() {
	<-o.ready
	o.mu.Lock()
	o.mu.Unlock()
}

func (o *oneShot) fire() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ready <- true
}

// net/http's wantConn: the result is buffered, and delivery sends and closes under the lock
// before the canceller, under the same lock, receives what is left: nothing waits.
type wantConn struct {
	mu        sync.Mutex
	delivered bool
	result    chan int
}

func newWantConn() *wantConn { return &wantConn{result: make(chan int, 1)} }

func (w *wantConn) deliver(v int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.delivered = true
	w.result <- v
	close(w.result)
}

func (w *wantConn) cancel() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.delivered {
		return <-w.result
	}
	return 0
}

// Unbuffered, but its only partner under the lock is a close: it may have run first.
type doneFlag struct {
	mu   sync.Mutex
	shut chan struct{}
}

func newDoneFlag() *doneFlag { return &doneFlag{shut: make(chan struct{})} }

func (d *doneFlag) markShut() {
	d.mu.Lock()
	defer d.mu.Unlock()
	close(d.shut)
}

func (d *doneFlag) awaitShut() {
	d.mu.Lock()
	defer d.mu.Unlock()
	<-d.shut
}
