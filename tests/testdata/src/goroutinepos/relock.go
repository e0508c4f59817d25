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
