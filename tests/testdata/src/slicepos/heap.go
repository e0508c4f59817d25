package slicepos

import (
	"container/heap"
	"sync"
)

// connHeap is a container/heap of connections.
type connHeap []*Conn

// Scheduler shares a heap between goroutines: the heap lives as long as the scheduler.
type Scheduler struct {
	mu    sync.Mutex
	conns connHeap
}

// Next pops the first connection.
func (s *Scheduler) Next() *Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return heap.Pop(&s.conns).(*Conn)
}

func (h connHeap) Len() int           { return len(h) }
func (h connHeap) Less(i, j int) bool { return h[i].id < h[j].id }
func (h connHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }

func (h *connHeap) Push(x any) { *h = append(*h, x.(*Conn)) }

func (h *connHeap) Pop() any {
	old := *h
	n := len(old)
	c := old[n-1]
	*h = old[:n-1] // want `slice-retains: shrinking .\*h. by one leaves the dropped \*Conn`
	return c
}

func (h *connHeap) PopFront() *Conn {
	c := (*h)[0]
	*h = (*h)[1:] // want `slice-retains: re-slicing .\*h. from the front`
	return c
}
