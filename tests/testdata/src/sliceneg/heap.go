package sliceneg

type item struct {
	value *Job
	index int
}

type priorityQueue []*item

func (pq priorityQueue) Len() int { return len(pq) }

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

func (r *ring) pop() item {
	e := r.entries[0]
	r.entries[0] = item{}
	r.entries = r.entries[1:]
	return e
}
