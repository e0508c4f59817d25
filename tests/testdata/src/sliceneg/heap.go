package sliceneg

import (
	"container/heap"
	"sync"
)

// scheduler shares a heap and a ring between goroutines: they live as long as it does.
type scheduler struct {
	mu      sync.Mutex
	pending priorityQueue
	recent  ring
}

func (s *scheduler) next() *item { return heap.Pop(&s.pending).(*item) }

type item struct {
	value *Job
	index int
}

type priorityQueue []*item

func (pq priorityQueue) Len() int           { return len(pq) }
func (pq priorityQueue) Less(i, j int) bool { return pq[i].index < pq[j].index }
func (pq priorityQueue) Swap(i, j int)      { pq[i], pq[j] = pq[j], pq[i] }
func (pq *priorityQueue) Push(x any)        { *pq = append(*pq, x.(*item)) }

// The container/heap example: it clears the slot before shrinking.
func (pq *priorityQueue) Pop() any {
	old := *pq
	n := len(old)
	it := old[n-1]
	old[n-1] = nil
	it.index = -1
	*pq = old[:n-1]
	return it
}

// Copy then clear then shrink.
func (pq *priorityQueue) removeAt(i int) {
	copy((*pq)[i:], (*pq)[i+1:])
	(*pq)[len(*pq)-1] = nil
	*pq = (*pq)[:len(*pq)-1]
}

// Zeroing a struct element with its zero value.
type ring struct{ entries []item }

func (r *ring) push(e item) { r.entries = append(r.entries, e) }

func (r *ring) pop() item {
	e := r.entries[0]
	r.entries[0] = item{}
	r.entries = r.entries[1:]
	return e
}
