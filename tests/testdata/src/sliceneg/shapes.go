package sliceneg

import "sync"

// Each shape below once fooled slice-retains on real code. The owners are shared (a mutex) and
// their lists appended to, so only the shape keeps each one quiet.

// Server keeps lists of connections.
type Server struct {
	mu      sync.Mutex
	buf     []*Job
	stack   []*Job
	work    []*Job
	free    []*Job
	idle    []*Job
	dead    []*Job
	seeds   []*Job
	events  []*Job
	pos     []*Job
	batch   []*Job
	pool    []*Job
	readers []*Job
	conns   []*Job
	rows    []*Job
	lent    []*Job
}

func (s *Server) add(j *Job) {
	s.buf = append(s.buf, j)
	s.stack = append(s.stack, j)
	s.work = append(s.work, j)
	s.free = append(s.free, j)
	s.idle = append(s.idle, j)
	s.seeds = append(s.seeds, j)
	s.events = append(s.events, j)
	s.conns = append(s.conns, j)
}

// Truncate, then refill in the same function: the refill takes the slots.
func (s *Server) refill(keep int, next []*Job) {
	s.dead = s.dead[:keep]
	for _, j := range next {
		s.dead = append(s.dead, j)
	}
}

// Truncate on each pass of a loop that appends: the next pass refills.
func (s *Server) rounds(next func() []*Job) {
	for {
		jobs := next()
		if jobs == nil {
			return
		}
		s.rows = append(s.rows, jobs...)
		s.rows = s.rows[:1]
	}
}

// A work list drained to empty within one call.
func (s *Server) drain(do func(*Job) []*Job) {
	for len(s.work) > 0 {
		j := s.work[0]
		s.work = s.work[1:]
		s.work = append(s.work, do(j)...)
	}
	for len(s.stack) != 0 {
		j := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		do(j)
	}
}

// A free list: the popped element is in use, and comes back on release.
func (s *Server) get() *Job {
	last := len(s.free) - 1
	j := s.free[last]
	s.free = s.free[:last]
	return j
}

func (s *Server) takeIdle() *Job {
	j := s.idle[0]
	s.idle = s.idle[1:]
	return j
}

// A pool: borrow pops, release pushes back.
func (s *Server) borrow() *Job {
	j := s.lent[len(s.lent)-1]
	s.lent = s.lent[:len(s.lent)-1]
	return j
}

func (s *Server) release(j *Job) {
	s.lent = append(s.lent, j)
}

// The popped element moves to another list: it stays reachable from there anyway.
func (s *Server) retire(j *Job) {
	if len(s.seeds) > 0 && j == s.seeds[0] {
		s.dead = append(s.dead, j)
		s.seeds = s.seeds[1:]
	}
}

// Cleared in a closure of the same function.
func (s *Server) popLater() *Job {
	defer func() { s.events[0] = nil }()
	j := s.events[0]
	s.events = s.events[1:]
	return j
}

// Cleared on earlier passes of a loop, with the index counted outside it.
func (s *Server) startAll(start func(*Job) bool) {
	i := 0
	for ; i < len(s.conns); i++ {
		if !start(s.conns[i]) {
			break
		}
		s.conns[i] = nil
	}
	s.conns = s.conns[i:]
}

// A stack used as a bracket: every caller of pop pushes first.
func (s *Server) pushPos(j *Job) { s.pos = append(s.pos, j) }

func (s *Server) popPos() { s.pos = s.pos[:len(s.pos)-1] }

func (s *Server) visit(j *Job, do func()) {
	s.pushPos(j)
	defer s.popPos()
	do()
}

// A pop that undoes the append just made: the element goes back to the caller, to retry.
func (s *Server) offer(j *Job, send func([]*Job) bool) bool {
	s.batch = append(s.batch, j)
	if !send(s.batch) {
		s.batch = s.batch[:len(s.batch)-1]
		return false
	}
	return true
}

// A reader over what it was given: the list only shrinks, and is done when empty.
func newReader(readers []*Job) *Server {
	return &Server{readers: readers}
}

func (s *Server) nextReader() *Job {
	s.readers = s.readers[1:]
	if len(s.readers) == 0 {
		return nil
	}
	return s.readers[0]
}

// Removing from a list the code appends to: the stale copy is of an element still in the
// list, and the next append takes its slot.
func (s *Server) remove(i int) {
	s.conns = append(s.conns[:i], s.conns[i+1:]...)
}

func (s *Server) swapRemove(i int) {
	s.conns[i] = s.conns[len(s.conns)-1]
	s.conns = s.conns[:len(s.conns)-1]
}

func (s *Server) compact(i int) {
	copy(s.conns[i:], s.conns[i+1:])
	s.conns = s.conns[:len(s.conns)-1]
}

// A duplicate dropped from a list the code appends to: the next append takes the slot.
func (s *Server) dedupe() {
	if len(s.conns) == 2 && s.conns[1] == s.conns[0] {
		s.conns = s.conns[:1]
	}
}

// A reused buffer: emptied to be filled again by add.
func (s *Server) reset() {
	s.events = s.events[:0]
}
