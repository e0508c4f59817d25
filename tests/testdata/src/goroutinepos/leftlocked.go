package goroutinepos

import (
	"errors"
	"sync"
)

// A method that leaves on one path still holding its receiver's mutex, and a caller that
// locks it again: on that path the second lock waits for ever.

type deviceSet struct {
	sync.Mutex
	deleted int
}

func (d *deviceSet) cleanup() error {
	d.Lock()
	if d.deleted == 0 {
		return nil // the Unlock is missing here
	}
	d.Unlock()
	return errors.New("busy")
}

func releaseDevices() {
	ds := &deviceSet{}
	ds.cleanup()
	done := make(chan bool, 1)
	go func() {
		ds.Lock() // want `goroutine-leak: this .Lock. waits for ever when .ds.cleanup\(\). \(line 27\) leaves at line 19 still holding .ds.`
		defer ds.Unlock()
		done <- true
	}()
}

type gossip struct {
	mu     sync.Mutex
	closed bool
}

// Its only way out is the break, taken with the lock held.
func (g *gossip) bootstrap() {
	for {
		g.mu.Lock()
		if g.closed {
			break
		}
		g.mu.Unlock()
	}
}

func (g *gossip) manage() {
	for {
		g.mu.Lock()
		if g.closed {
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
	}
}

func runGossip(g *gossip) {
	go func() {
		g.bootstrap()
		g.manage() // want `goroutine-leak: .g.manage\(\). takes the lock first \(.Lock. at line 54\) and waits for ever when .g.bootstrap\(\). \(line 65\) leaves at line 50 still holding .g.mu.`
	}()
}
