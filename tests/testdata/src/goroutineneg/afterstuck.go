package goroutineneg

import (
	"io"
	"sync"
)

// Waits whose partner comes after a call that never returns on some path only, or whose
// partner may also come from elsewhere.

type parker struct {
	parked sync.WaitGroup
}

func (p *parker) park() { p.parked.Add(1) }

func (p *parker) unpark() {
	p.parked.Wait() // want "goroutine-leak: this waits for ever: the WaitGroup .parked. \\(of .parker.\\) is added to"
}

// Close is exported and called on an io.Closer: which method runs cannot be told here.
func (p *parker) Close() error {
	p.unpark()
	return nil
}

// The call is in a branch: the other path closes.
func unparkMaybe(p *parker, really bool) {
	done := make(chan struct{})
	go func() {
		if really {
			p.unpark()
		}
		close(done)
	}()
	<-done
}

// Another goroutine may close first... no: closing twice panics, so it sends.
func unparkOrGiveUp(p *parker) {
	done := make(chan struct{})
	go func() {
		p.unpark()
		done <- struct{}{}
	}()
	go func() {
		done <- struct{}{}
	}()
	<-done
}

// The value is only known as an io.Closer.
func closeAsync(c io.Closer) {
	done := make(chan struct{})
	go func() {
		c.Close()
		close(done)
	}()
	<-done
}

// The call runs in a goroutine of its own: the close does not wait for it.
func unparkInBackground(p *parker) {
	done := make(chan struct{})
	go func() {
		go p.unpark()
		close(done)
	}()
	<-done
}

// The channel is handed to code out of sight, which may close it.
func unparkHanded(p *parker, register func(chan struct{})) {
	done := make(chan struct{})
	register(done)
	go func() {
		p.unpark()
		close(done)
	}()
	<-done
}

// A WaitGroup whose Done also runs on a path that does not call it.
func unparkGroup(p *parker, n int) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		p.unpark()
		wg.Done()
	}()
	go func() {
		defer wg.Done()
	}()
	wg.Wait()
}

func use(p *parker) {
	p.park()
	p.unpark()
}
