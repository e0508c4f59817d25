package goroutineneg

import "sync"

// Fields whose partner is out of this file's sight, or whose use lets them escape: silence.

// Closed by another file of the package (deadfield_partner.go).
type relay struct {
	relayStop chan struct{}
	relayWake *sync.Cond
	relayJobs sync.WaitGroup
}

func (r *relay) serve() {
	go func() {
		<-r.relayStop
	}()
	r.relayJobs.Add(1)
	r.relayJobs.Wait()
	r.relayWake.Wait()
}

// Set by position in a literal: etcd's confChangeResponse{members, raftAdvancedC, err}.
type response struct {
	members   []string
	advancedC <-chan struct{}
}

func answer(advanced chan struct{}) *response {
	return &response{nil, advanced}
}

func (r *response) wait() {
	<-r.advancedC
}

// Handed to a call that may close it.
type handed struct {
	handedDone chan struct{}
}

func (h *handed) run(stop func(chan struct{})) {
	stop(h.handedDone)
	go func() { <-h.handedDone }()
}

// An exported getter outside a main package: importers may close what it returns.
type exposed struct {
	exposedQuit chan struct{}
}

func (e *exposed) Quit() chan struct{} { return e.exposedQuit }

func (e *exposed) loop() {
	go func() { <-e.exposedQuit }()
}

// A select with another case, and a buffered channel nobody receives from yet.
type kickPump struct {
	pumpKick  chan struct{}
	pumpQueue chan int
	pumpData  chan int
}

func newKickPump() *kickPump {
	return &kickPump{pumpKick: make(chan struct{}), pumpQueue: make(chan int, 8), pumpData: make(chan int)}
}

func (p *kickPump) run() {
	go func() {
		select {
		case <-p.pumpKick:
		case v := <-p.pumpData:
			_ = v
		}
	}()
	p.pumpQueue <- 1
	p.pumpData <- 2
}

// The alias is given another channel: what it waits on is no longer the field.
type swapped struct {
	swappedC chan int
}

func (s *swapped) run(other chan int) {
	c := s.swappedC
	c = other
	go func() { <-c }()
}

// The close comes after a wait in a branch (it may not run), and the WaitGroup is done by
// another method: the gate is released.
type turnstile struct {
	mu    sync.Mutex
	spins sync.WaitGroup
	exit  chan struct{}
}

func (t *turnstile) spin() {
	t.spins.Add(1)
	defer t.spins.Done()
}

func (t *turnstile) shut(wait bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if wait {
		t.spins.Wait()
	}
	close(t.exit)
}

func (t *turnstile) pass() {
	go func() { <-t.exit }()
}

// Sized by a parameter some caller sets: the sends may all fit in the buffer.
type feed struct {
	feedItems chan int
}

func newFeed(size int) *feed {
	return &feed{feedItems: make(chan int, size)}
}

func (f *feed) push(v int) {
	f.feedItems <- v
}

func feeds() {
	a := newFeed(0)
	b := newFeed(16)
	go a.push(1)
	go b.push(2)
}
