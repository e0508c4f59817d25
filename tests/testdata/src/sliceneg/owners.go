package sliceneg

// Owners that do not outlive the call: the same shapes slicepos reports on a shared queue,
// here on values made for one call (a walker, a parser per input, a pass's state). What they
// keep goes with them.

import "sync"

// A lock held around the walk, not by the walker: it says nothing of the walker's lifetime.
var walkMu sync.Mutex

type walker struct {
	stack []*Job
	queue []*Job
}

func (w *walker) push(j *Job) {
	w.stack = append(w.stack, j)
	w.queue = append(w.queue, j)
}

func (w *walker) pop() *Job {
	j := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	return j
}

func (w *walker) next() *Job {
	j := w.queue[0]
	w.queue = w.queue[1:]
	return j
}

// Walk makes its walker, uses it and drops it.
func Walk(root *Job, children func(*Job) []*Job) int {
	walkMu.Lock()
	defer walkMu.Unlock()
	w := &walker{}
	w.push(root)
	n := 0
	for len(w.stack) > 0 {
		j := w.pop()
		n++
		for _, c := range children(j) {
			w.push(c)
		}
	}
	for len(w.queue) > 0 && w.next() != nil {
		n++
	}
	return n
}

type parser struct{ stack []*Job }

func (p *parser) reduce() {
	p.stack = p.stack[:len(p.stack)-1]
}

// Parse makes a parser per input.
func Parse(input []*Job) int {
	p := &parser{stack: input}
	p.reduce()
	return len(p.stack)
}
