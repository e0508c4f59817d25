package goroutinepos

import (
	"errors"
	"sync"
)

// A method that locks its receiver's mutex while it already holds it.

type logger struct {
	mu   sync.Mutex
	file []byte
}

func (l *logger) output(line []byte) {
	l.mu.Lock()
	if err := l.create(); err != nil {
		l.exit(err) // want `goroutine-leak: .l.exit. takes .l.mu. \(Lock at line 30\) and waits for ever: this method already holds it \(.Lock. at line 16\)`
	}
	l.file = append(l.file, line...)
	l.mu.Unlock()
}

func (l *logger) create() error {
	return errors.New("no file")
}

func (l *logger) exit(err error) {
	_ = err
	l.mu.Lock()
	defer l.mu.Unlock()
	l.file = nil
}

type server struct {
	mu    sync.Mutex
	drain bool
}

// The second stop takes the branch that locks again.
func (s *server) stop() {
	s.mu.Lock()
	if s.drain {
		s.mu.Lock() // want `goroutine-leak: this .Lock. of .s.mu. waits for ever: this method already holds it \(.Lock. at line 42\)`
		return
	}
	s.drain = true
	s.mu.Unlock()
}

// An embedded mutex, taken again through a method that reads under it.
type vm struct {
	sync.RWMutex
	disks []string
}

func (v *vm) attachAll() {
	v.Lock()
	defer v.Unlock()
	for _, d := range v.disks {
		_ = d
	}
	_ = v.count() // want `goroutine-leak: .v.count. takes .v. \(RLock at line 67\) and waits for ever: this method already holds it \(.Lock. at line 58\)`
}

func (v *vm) count() int {
	v.RLock()
	defer v.RUnlock()
	return len(v.disks)
}

type proxy struct {
	connTrack sync.Mutex
	dial      func() error
}

// The error path goes on to the next iteration still holding the lock it took.
func (p *proxy) run() {
	for i := 0; i < 2; i++ {
		p.connTrack.Lock() // want `goroutine-leak: this .Lock. of .p.connTrack. waits for ever: the previous iteration took it \(.Lock. at line 80\) and still holds it where it ends \(line 82\)`
		if err := p.dial(); err != nil {
			continue
		}
		p.connTrack.Unlock()
	}
}

// A read lock taken again while one is held: once `reset` queues for the write lock between
// the two, the second RLock waits for the writer and the writer for the first reader.
type registry struct {
	mu    sync.RWMutex
	names map[string]int
}

func (r *registry) reset() {
	r.mu.Lock()
	r.names = map[string]int{}
	r.mu.Unlock()
}

func (r *registry) describe() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return 1 + r.size() // want `goroutine-leak: .r.size. read-locks .r.mu. again \(RLock at line \d+\), and waits for ever once a writer queues in between \(the .Lock. at line \d+\)`
}

func (r *registry) size() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.names)
}

func (r *registry) lookup(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if n, ok := r.names[name]; ok {
		return n
	}
	r.mu.RLock() // want `goroutine-leak: this .RLock. of .r.mu. waits for ever once a writer queues in between`
	defer r.mu.RUnlock()
	return -1
}

// The second GracefulStop locks again while it holds the lock: Serve, in its own goroutine,
// waits behind it for ever.
type grpcServer struct {
	mu       sync.Mutex
	draining bool
}

func (s *grpcServer) gracefulStop() {
	s.mu.Lock()
	if s.draining {
		s.mu.Lock() // want "goroutine-leak: this .Lock. of .s.mu. waits for ever: this method already holds it"
		return
	}
	s.draining = true
	s.mu.Unlock()
}

func (s *grpcServer) serve() {
	s.mu.Lock() // want "goroutine-leak: this .Lock. waits for ever once .gracefulStop. has locked the same mutex again \\(line \\d+\\)"
	s.mu.Unlock()
}

// Locked in many places: only the cause is reported, not every Lock behind it.
type registryBusy struct {
	mu sync.Mutex
	n  int
}

func (r *registryBusy) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mu.Lock() // want "goroutine-leak: this .Lock. of .r.mu. waits for ever: this method already holds it"
}

func (r *registryBusy) a() { r.mu.Lock(); r.n++; r.mu.Unlock() }
func (r *registryBusy) b() { r.mu.Lock(); r.n--; r.mu.Unlock() }
func (r *registryBusy) c() { r.mu.Lock(); r.n = 0; r.mu.Unlock() }
