// Package testutil helps tests: its code runs in a test's process, which ends with the test.
// leakls treats it as test code (its folder says so), and checks it only with `tests = true`.
package testutil

import (
	"sync"
	"time"
)

// Queue is shared by a test's goroutines.
type Queue struct {
	mu    sync.Mutex
	items []*int
}

// Push adds an item.
func (q *Queue) Push(v *int) { q.items = append(q.items, v) }

// Pop takes the first item.
func (q *Queue) Pop() *int {
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Wait waits for a tick.
func Wait(d time.Duration) {
	t := time.NewTicker(d)
	<-t.C
}
