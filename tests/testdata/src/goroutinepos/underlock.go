package goroutinepos

import "sync"

// A wait on a channel field while holding the mutex every partner of the channel needs.

type transport struct {
	mu      sync.Mutex
	wakeUp  chan struct{}
	streams int
}

func (t *transport) keepalive() {
	t.mu.Lock()
	if t.streams == 0 {
		<-t.wakeUp // want `goroutine-leak: this receive from .wakeUp. waits for ever while it holds .t.mu. \(.Lock. at line 14\): every operation that could send on it or close it needs the same mutex \(line 32 runs holding it\)`
	}
	t.mu.Unlock()
}

func newTransport() *transport {
	t := &transport{wakeUp: make(chan struct{})}
	go t.keepalive()
	go t.openStream()
	return t
}

func (t *transport) openStream() {
	t.mu.Lock() // want `goroutine-leak: this .Lock. of .t.mu. waits for ever once .keepalive. holds it waiting to receive from .wakeUp. \(line 16\)`
	t.streams++
	select {
	case t.wakeUp <- struct{}{}:
	default:
	}
	t.mu.Unlock()
}

// Stop holds the lock while it waits for the worker's close; the worker's loop takes the same
// lock each round before it gets there.
type broadcaster struct {
	mu      sync.Mutex
	updates chan int
	stopped chan struct{}
}

func newBroadcaster() *broadcaster {
	b := &broadcaster{updates: make(chan int, 1), stopped: make(chan struct{})}
	go func() {
		defer close(b.stopped)
		for u := range b.updates {
			b.merge(u)
		}
	}()
	return b
}

func (b *broadcaster) merge(u int) {
	b.mu.Lock() // want "goroutine-leak: this .Lock. waits for ever once .stop. has taken the lock"
	_ = u
	b.mu.Unlock()
}

func (b *broadcaster) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.updates)
	<-b.stopped // want `goroutine-leak: this receive from .stopped. waits for ever while it holds .b.mu. \(.Lock. at line \d+\): every operation that could send on it or close it needs the same mutex \(the close at line \d+ comes only after a loop that takes it at line \d+\)`
}

// A sender holding the lock its only receiver takes after each receive.
type statusCache struct {
	mu      sync.RWMutex
	changed chan bool
}

func (s *statusCache) start() {
	go func() {
		for i := 0; i < 2; i++ {
			s.sync()
		}
	}()
}

func (s *statusCache) sync() {
	<-s.changed
	s.forget()
}

func (s *statusCache) forget() {
	s.mu.Lock() // want "goroutine-leak: this .Lock. waits for ever once .set. has taken the lock"
	defer s.mu.Unlock()
}

func (s *statusCache) set() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed <- true // want `goroutine-leak: this send on .changed. waits for ever while it holds .s.mu. \(.Lock. at line \d+\): every operation that could receive from it needs the same mutex \(line \d+ is reached again only after line \d+ takes it\)`
}
