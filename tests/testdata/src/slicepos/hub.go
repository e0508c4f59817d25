package slicepos

import (
	"fmt"

	"leakls.test/slicepos/jobs"
)

// push adds to every list: what is dropped from the front is not overwritten by it.
func (h *Hub) push(c *Conn, j *jobs.Job) {
	h.conns = append(h.conns, c)
	h.jobs = append(h.jobs, *j)
	h.batch = append(h.batch, j)
	h.any = append(h.any, c)
	h.errs = append(h.errs, nil)
	h.fns = append(h.fns, nil)
	h.subs = append(h.subs, nil)
	h.maps = append(h.maps, nil)
	h.inner.conns = append(h.inner.conns, c)
}

func (h *Hub) popConn() *Conn {
	c := h.conns[0]
	h.conns = h.conns[1:] // want `slice-retains: re-slicing .h\.conns. from the front leaves the dropped \*Conn`
	return c
}

func (h *Hub) popJob() jobs.Job {
	j := h.jobs[len(h.jobs)-1]
	h.jobs = h.jobs[:len(h.jobs)-1] // want `slice-retains: shrinking .h\.jobs. by one leaves the dropped jobs\.Job`
	return j
}

func (h *Hub) popBatch() *jobs.Job {
	j := h.batch[0]
	h.batch = h.batch[1:] // want `slice-retains: re-slicing .h\.batch. from the front leaves the dropped \*jobs\.Job`
	return j
}

func (h *Hub) shiftAll() {
	h.any = h.any[1:] // want `slice-retains: re-slicing .h\.any. from the front leaves the dropped any`

	h.errs = h.errs[1:] // want `slice-retains: re-slicing .h\.errs. from the front leaves the dropped error`

	h.fns = h.fns[1:] // want `slice-retains: re-slicing .h\.fns. from the front leaves the dropped func`

	h.subs = h.subs[1:] // want `slice-retains: re-slicing .h\.subs. from the front leaves the dropped chan int`

	h.maps = h.maps[1:] // want `slice-retains: re-slicing .h\.maps. from the front leaves the dropped map\[string\]int`
}

// Through a chain of pointers.
func (h *Hub) popInner() {
	h.inner.conns = h.inner.conns[1:] // want `slice-retains: re-slicing .h\.inner\.conns. from the front`
}

func (h *Hub) String() string {
	return fmt.Sprint(len(h.conns))
}

// The `&&` of the loop condition takes no address: the popped slots are still dropped.
func (h *Hub) pruneDetached() {
	for len(h.conns) > 0 && h.conns[0].peer == nil {
		h.conns = h.conns[1:] // want `slice-retains: re-slicing .h\.conns. from the front leaves the dropped \*Conn`
	}
}

// The dropped tail is still read after the truncation: clearing it first would change what
// popTail returns, so the finding comes without a fix.
func (h *Hub) popTail(n int) []*Conn {
	tail := h.conns[n:]
	h.conns = h.conns[:n] // want `slice-retains: truncating .h\.conns. leaves the dropped \*Conn elements`
	return tail
}
