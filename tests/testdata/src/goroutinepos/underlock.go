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
		<-t.wakeUp // want `goroutine-leak: this receive from .wakeUp. waits for ever while it holds .t.mu. \(.Lock. at line 14\): every operation that could send on it or close it \(line 32\) runs holding the same mutex`
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
