package slicepos

// connHeap is a container/heap of connections.
type connHeap []*Conn

func (h connHeap) Len() int { return len(h) }

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
