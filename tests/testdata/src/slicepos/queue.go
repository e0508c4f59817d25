package slicepos

import (
	"leakls.test/slicepos/jobs"
)

// Queue is a FIFO of connections.
type Queue struct {
	items []*Conn
	byKey []Entry
}

var pending []*Conn

var backlog []jobs.Job

func (q *Queue) Pop() *Conn {
	c := q.items[0]
	q.items = q.items[1:] // want `slice-retains: re-slicing .q\.items. from the front leaves the dropped \*Conn in the backing array, where it stays reachable until the array is reallocated`
	return c
}

func (q *Queue) PopN(n int) []*Conn {
	out := append([]*Conn(nil), q.items[:n]...)
	q.items = q.items[n:] // want `slice-retains: re-slicing .q\.items. from the front leaves the dropped \*Conn elements`
	return out
}

func (q *Queue) PopBack() *Conn {
	c := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1] // want `slice-retains: shrinking .q\.items. by one leaves the dropped \*Conn in the backing array beyond the length`
	return c
}

func (q *Queue) Reset() {
	q.items = q.items[:0] // want `slice-retains: truncating .q\.items. leaves the dropped \*Conn elements`
}

func (q *Queue) Keep(n int) {
	q.items = q.items[:n] // want `slice-retains: truncating .q\.items.`
}

func (q *Queue) Remove(i int) {
	q.items = append(q.items[:i], q.items[i+1:]...) // want `slice-retains: removing from the middle of .q\.items. with append leaves a duplicate of its last \*Conn`
}

func (q *Queue) RemoveCopy(i int) {
	copy(q.items[i:], q.items[i+1:])
	q.items = q.items[:len(q.items)-1] // want `slice-retains: removing from the middle of .q\.items. with copy`
}

func (q *Queue) PopEntry() Entry {
	e := q.byKey[0]
	q.byKey = q.byKey[1:] // want `slice-retains: re-slicing .q\.byKey. from the front leaves the dropped Entry`
	return e
}

func (q *Queue) DropEntries(n int) {
	q.byKey = q.byKey[n:] // want `slice-retains: re-slicing .q\.byKey. from the front leaves the dropped Entry elements`
}

func (q *Queue) TrimEntries(i int) {
	q.byKey = append(q.byKey[:i], q.byKey[i+1:]...) // want `slice-retains: removing from the middle of .q\.byKey.`
}

// A swap with the last element, then a shrink.
func (q *Queue) SwapRemove(i int) {
	q.items[i] = q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1] // want `slice-retains: shrinking .q\.items. by one`
}

// Both values in one assignment: reported, but no line to clear before.
func (q *Queue) PopBoth() (c *Conn) {
	c, q.items = q.items[0], q.items[1:] // want `slice-retains: re-slicing .q\.items. from the front`
	return c
}

// A pointer parameter, not a receiver.
func drain(q *Queue) {
	for len(q.items) > 0 {
		q.items = q.items[1:] // want `slice-retains: re-slicing .q\.items. from the front`
	}
}

// Package-level slices.
func nextPending() *Conn {
	c := pending[0]
	pending = pending[1:] // want `slice-retains: re-slicing .pending. from the front leaves the dropped \*Conn`
	return c
}

func nextBacklog() jobs.Job {
	j := backlog[0]
	backlog = backlog[1:] // want `slice-retains: re-slicing .backlog. from the front leaves the dropped jobs\.Job`
	return j
}

// Variables whose type comes from what they are assigned.
func trimAll(queues []*Queue) {
	for _, q := range queues {
		q.items = q.items[1:] // want `slice-retains: re-slicing .q\.items. from the front`
	}
}

func (h *Hub) popOwn() {
	own := h.inner
	own.conns = own.conns[1:] // want `slice-retains: re-slicing .own\.conns. from the front`
}
