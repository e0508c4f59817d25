package slicepos

import (
	"net/http"
	"sync"

	"leakls.test/slicepos/jobs"
)

// Queue is a FIFO of connections, shared between goroutines.
type Queue struct {
	mu    sync.Mutex
	items []*Conn
	byKey []Entry
	// done is handed over whole, never appended to.
	done []*Conn
	// watchers is set when the queue is made, and only ever loses elements.
	watchers []*Conn
}

var pending []*Conn

var backlog []jobs.Job

// Serve queues work on every request: the package-level queues grow for good.
func Serve(w http.ResponseWriter, r *http.Request) {
	pending = append(pending, &Conn{name: r.URL.Path})
	backlog = append(backlog, jobs.Job{})
}

// Push appends to the queue.
func (q *Queue) Push(c *Conn, e Entry) {
	q.items = append(q.items, c)
	q.byKey = append(q.byKey, e)
}

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

func (q *Queue) Finish(batch []*Conn) {
	q.done = batch
}

func (q *Queue) Reset() {
	q.done = q.done[:0] // want `slice-retains: truncating .q\.done. leaves the dropped \*Conn elements`
}

// Keep keeps the first n, and never grows the queue: nothing else re-slices q.items past
// its length, so the dropped slots can be cleared.
func (q *Queue) Keep(n int) {
	if n < len(q.items) {
		q.items = q.items[:n] // want `slice-retains: truncating .q\.items.`
	}
}

func (q *Queue) Remove(i int) {
	q.watchers = append(q.watchers[:i], q.watchers[i+1:]...) // want `slice-retains: removing from the middle of .q\.watchers. with append leaves a stale copy of its last \*Conn beyond the length: it keeps that element reachable after it is removed in turn`
}

func (q *Queue) RemoveCopy(i int) {
	copy(q.watchers[i:], q.watchers[i+1:])
	q.watchers = q.watchers[:len(q.watchers)-1] // want `slice-retains: removing from the middle of .q\.watchers. with copy and a shorter length leaves a stale copy`
}

// The wrong slot cleared: slot i is overwritten by the copy anyway, and the last slot, which
// leaves the slice, still holds a stale copy.
func (q *Queue) RemoveClearingTheWrongSlot(i int) {
	q.watchers[i] = nil
	copy(q.watchers[i:], q.watchers[i+1:])
	q.watchers = q.watchers[:len(q.watchers)-1] // want `slice-retains: removing from the middle of .q\.watchers. with copy`
}

// Removing the first k by copying the rest down, then truncating.
func (q *Queue) DropFirst(k int) {
	n := copy(q.watchers, q.watchers[k:])
	q.watchers = q.watchers[:n] // want `slice-retains: removing the first elements of .q\.watchers. by copying the rest down leaves stale copies of its last \*Conn elements`
}

func (q *Queue) PopEntry() Entry {
	e := q.byKey[0]
	q.byKey = q.byKey[1:] // want `slice-retains: re-slicing .q\.byKey. from the front leaves the dropped Entry`
	return e
}

func (q *Queue) DropEntries(n int) {
	q.byKey = q.byKey[n:] // want `slice-retains: re-slicing .q\.byKey. from the front leaves the dropped Entry elements`
}

// A swap with the last element, then a shrink.
func (q *Queue) SwapRemove(i int) {
	q.watchers[i] = q.watchers[len(q.watchers)-1]
	q.watchers = q.watchers[:len(q.watchers)-1] // want `slice-retains: removing from .q\.watchers. by moving its last \*Conn into the gap leaves a stale copy`
}

// The dropped slot equals the one kept: a stale copy of it, on a list nothing appends to.
func (q *Queue) Dedupe() {
	if len(q.watchers) == 2 && q.watchers[1] == q.watchers[0] {
		q.watchers = q.watchers[:1] // want `slice-retains: truncating .q\.watchers. after finding that its dropped \*Conn equals one it keeps leaves a stale copy`
	}
}

// Both values in one assignment: reported, but no line to clear before.
func (q *Queue) PopBoth() (c *Conn) {
	c, q.items = q.items[0], q.items[1:] // want `slice-retains: re-slicing .q\.items. from the front`
	return c
}

// A pointer parameter, not a receiver; and another function literal's parameter of the same
// name is another variable.
func popFrom(q *Queue, each func(func(q int))) *Conn {
	each(func(q int) { _ = q })
	c := q.items[0]
	q.items = q.items[1:] // want `slice-retains: re-slicing .q\.items. from the front`
	return c
}

// The address of another element says nothing about the dropped one.
func (q *Queue) PopAfterPeek(i int) *Conn {
	e := &q.items[i]
	_ = e
	c := q.items[0]
	q.items = q.items[1:] // want `slice-retains: re-slicing .q\.items. from the front`
	return c
}

// Package-level slices, grown on every request.
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
