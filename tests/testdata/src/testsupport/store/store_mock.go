// The mock: test code by its file name.

package store

import (
	"sync"
	"time"
)

// MockQueue is shared by a test's goroutines.
type MockQueue struct {
	mu    sync.Mutex
	items []*int
}

// Push adds an item.
func (q *MockQueue) Push(v *int) { q.items = append(q.items, v) }

// Pop takes the first item.
func (q *MockQueue) Pop() *int {
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Wait waits for a tick.
func MockWait(d time.Duration) {
	t := time.NewTicker(d)
	<-t.C
}
