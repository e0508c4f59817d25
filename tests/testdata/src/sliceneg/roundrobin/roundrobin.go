package roundrobin

import (
	"container/heap"
	"sync"
)

// Package roundrobin: heaps popped and pushed back, lists rotated. A weighted round robin keeps its handlers in a heap: each pick pops the next one and pushes
// it back (traefik's wrr balancer), so the slot Pop leaves is refilled before the pick ends.
type handler struct {
	name     string
	deadline float64
	next     *handler
}

type balancer struct {
	mu       sync.Mutex
	handlers []*handler
}

func (b *balancer) Len() int           { return len(b.handlers) }
func (b *balancer) Less(i, j int) bool { return b.handlers[i].deadline < b.handlers[j].deadline }
func (b *balancer) Swap(i, j int)      { b.handlers[i], b.handlers[j] = b.handlers[j], b.handlers[i] }

func (b *balancer) Push(x any) {
	b.handlers = append(b.handlers, x.(*handler))
}

func (b *balancer) Pop() any {
	h := b.handlers[len(b.handlers)-1]
	b.handlers = b.handlers[0 : len(b.handlers)-1]
	return h
}

func (b *balancer) pick() *handler {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := heap.Pop(b).(*handler)
	h.deadline++
	heap.Push(b, h)
	return h
}

// A server pool rotates a failed server to the back, or drops it once it has failed too often
// (nats.go's selectNextServer): the copy moves every later server down, so the dropped last
// slot holds a copy of one still in the pool, and the pool is appended to when servers are
// learned.
type pool struct {
	mu      sync.Mutex
	servers []*handler
	max     int
}

func (p *pool) learn(h *handler) {
	p.mu.Lock()
	p.servers = append(p.servers, h)
	p.mu.Unlock()
}

func (p *pool) rotate(i int, failures int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.servers[i]
	sp := p.servers
	num := len(sp)
	copy(sp[i:num-1], sp[i+1:num])
	limit := p.max
	if failures < limit {
		p.servers[num-1] = s
	} else {
		p.servers = sp[0 : num-1]
	}
}
