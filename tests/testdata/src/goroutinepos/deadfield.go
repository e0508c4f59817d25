package goroutinepos

import "sync"

// A field of a struct that nothing in the package can ever release: no other file of the
// package mentions these fields, so every use of them is in sight.

type poller struct {
	halt     chan struct{}
	results  chan int
	ready    *sync.Cond
	inflight sync.WaitGroup
	mu       sync.Mutex
}

func newPoller() *poller {
	p := &poller{halt: make(chan struct{}), results: make(chan int)}
	p.ready = sync.NewCond(&p.mu)
	return p
}

// haltC hands the channel out, and does nothing else with it.
func (p *poller) haltC() <-chan struct{} {
	if p == nil {
		return nil
	}
	return p.halt
}

func (p *poller) run() {
	go func() {
		<-p.haltC() // want `goroutine-leak: this waits for ever: nothing in the package sends on .halt. \(of .poller.\) or closes it`
	}()
	go func() {
		p.results <- 1 // want `goroutine-leak: this waits for ever: nothing in the package receives from .results. \(of .poller.\), which is unbuffered`
	}()
}

func (p *poller) awaitReady() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ready.Wait() // want "goroutine-leak: this waits for ever: nothing in the package calls .Signal. or .Broadcast. on .ready."
}

func (p *poller) start() {
	p.inflight.Add(1)
	go p.awaitReady()
}

func (p *poller) drain() {
	p.inflight.Wait() // want "goroutine-leak: this waits for ever: the WaitGroup .inflight. \\(of .poller.\\) is added to, and nothing in the package calls its .Done."
}

// An alias of the field is the field: closing it would release the receive, sending would not.
type ticket struct {
	granted chan bool
}

func (t *ticket) await() {
	granted := t.granted
	go func() {
		for range granted { // want `goroutine-leak: this waits for ever: nothing in the package sends on .granted.`
		}
	}()
}

// What runs only after a wait that never returns never runs: `closeGate`'s close comes after
// the Wait on a WaitGroup nothing calls Done on, and the mutex it holds meanwhile is held for
// ever.
type gatekeeper struct {
	mu      sync.Mutex
	pending sync.WaitGroup
	gate    chan struct{}
}

func (g *gatekeeper) admit() {
	g.mu.Lock() // want "goroutine-leak: this .Lock. waits for ever once .closeGate. has taken the lock \\(line 83\\): .closeGate. then waits for ever at line 85"
	defer g.mu.Unlock()
	g.pending.Add(1)
}

func (g *gatekeeper) closeGate() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pending.Wait() // want "goroutine-leak: this waits for ever: the WaitGroup .pending."
	close(g.gate)
}

func (g *gatekeeper) enter() {
	go func() {
		<-g.gate // want "goroutine-leak: this waits for ever: nothing in the package that can still run sends on .gate. \\(of .gatekeeper.\\) or closes it \\(the one at line 86 comes only after the wait at line 85, which never returns\\)"
	}()
}

// Sized by its constructor's parameter, and the only call passes 0: unbuffered.
type watcher struct {
	events chan int
}

func newWatcher(size int) *watcher {
	return &watcher{events: make(chan int, size)}
}

func (w *watcher) emit(v int) {
	w.events <- v // want "goroutine-leak: this waits for ever: nothing in the package receives from .events. \\(of .watcher.\\), which is unbuffered"
}

func watch() {
	w := newWatcher(0)
	go w.emit(1)
}
