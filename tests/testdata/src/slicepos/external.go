package slicepos

import (
	"net/http"
	"sync"
)

// Requests is a queue of values whose type another module declares: leakls does not read that
// type, but a pointer keeps its target alive whatever it points to.
type Requests struct {
	mu      sync.Mutex
	pending []*http.Request
}

func (q *Requests) Add(r *http.Request) {
	q.mu.Lock()
	q.pending = append(q.pending, r)
	q.mu.Unlock()
}

func (q *Requests) Next() *http.Request {
	q.mu.Lock()
	defer q.mu.Unlock()
	r := q.pending[0]
	q.pending = q.pending[1:] // want `slice-retains: re-slicing .q\.pending. from the front leaves the dropped \*http\.Request`
	return r
}
