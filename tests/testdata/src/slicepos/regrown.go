package slicepos

import "sync"

// A window over a buffer whose length moves both ways: clearing what a truncation drops would
// change what a later regrowth reads. The findings stay; no fix is offered.

// Window truncates and regrows one list.
type Window struct {
	mu    sync.Mutex
	conns []*Conn
}

// Shrink keeps the first n; n may also be past the length (up to the capacity).
func (w *Window) Shrink(n int) {
	w.conns = w.conns[:n] // want `slice-retains: truncating .w\.conns.`
}

// Undo keeps at most n, but another method grows the list back over the dropped slots.
type Undo struct {
	mu    sync.Mutex
	steps []*Conn
}

func (u *Undo) Drop() {
	u.steps = u.steps[:len(u.steps)-1] // want `slice-retains: shrinking .u\.steps. by one`
}

// Redo brings the dropped step back: it reads the slot Drop left behind.
func (u *Undo) Redo() *Conn {
	if len(u.steps) == cap(u.steps) {
		return nil
	}
	u.steps = u.steps[:len(u.steps)+1]
	return u.steps[len(u.steps)-1]
}
