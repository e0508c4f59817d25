// Package store keeps a queue. Its mock, in store_mock.go, is test code by its name: leakls
// checks only the real one.
package store

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
	q.items = q.items[1:] // want `slice-retains: re-slicing .q\.items. from the front`
	return v
}

// Wait waits for a tick.
func Wait(d time.Duration) {
	t := time.NewTicker(d) // want `unstopped-ticker`
	<-t.C
}
