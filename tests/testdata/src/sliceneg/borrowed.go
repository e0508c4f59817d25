package sliceneg

// Shapes from public projects that the check once reported and should not.

import "sync"

// Plan is made per evaluation; a shared queue also holds plans, which says nothing of this one.
type Plan struct {
	Updates map[string][]*Job
}

type planQueue struct {
	mu      sync.Mutex
	pending []*Plan
}

// evaluation holds the plan of one run: no lock, nothing keeps it after the run.
type evaluation struct {
	plan *Plan
}

// A plan's list, reached through the evaluation that made it (nomad's scheduler).
func (e *evaluation) drop(node string, i int) {
	e.plan.Updates[node] = append(e.plan.Updates[node][:i], e.plan.Updates[node][i+1:]...)
}

func (q *planQueue) add(p *Plan) {
	q.mu.Lock()
	q.pending = append(q.pending, p)
	q.mu.Unlock()
}

// Entry is reset for reuse by a decoder; the decoder is shared, but reset may be handed any
// entry (moby's log reader).
type Entry struct {
	Attrs []*Job
}

type decoder struct {
	mu    sync.Mutex
	entry *Entry
}

func resetEntry(e *Entry) {
	e.Attrs = e.Attrs[:0]
}

func (d *decoder) next() *Entry {
	d.mu.Lock()
	defer d.mu.Unlock()
	resetEntry(d.entry)
	return d.entry
}

type fifo struct {
	mu    sync.Mutex
	items []Delta
	batch int
}

// Delta is a value holding a pointer.
type Delta struct {
	Object *Job
}

func (f *fifo) add(d Delta) {
	f.mu.Lock()
	f.items = append(f.items, d)
	f.mu.Unlock()
}

// A helper literal takes each element and clears its slot (client-go's RealFIFO.PopBatch).
func (f *fifo) popBatch(keep func(Delta) bool) []Delta {
	f.mu.Lock()
	defer f.mu.Unlock()
	deltas := make([]Delta, 0, f.batch)
	take := func(i int) {
		deltas = append(deltas, f.items[i])
		// The array still holds the element unless the slot is cleared.
		f.items[i] = Delta{}
	}
	for i := 0; i < f.batch && i < len(f.items); i++ {
		if !keep(f.items[i]) {
			if len(deltas) == 0 {
				take(i)
			}
			break
		}
		take(i)
	}
	f.items = f.items[len(deltas):]
	return deltas
}

type routes struct {
	mu   sync.Mutex
	list []*Job
}

func (r *routes) add(j *Job) {
	r.mu.Lock()
	r.list = append(r.list, j)
	r.mu.Unlock()
}

// A swap-remove with a comment between the move and the shrink (moby's static routes): the
// stale slot duplicates an element still in the list, and the next add takes it.
func (r *routes) remove(j *Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	last := len(r.list) - 1
	for i, v := range r.list {
		if v == j {
			// Overwrite the removed one with the last element.
			r.list[i] = r.list[last]
			// Shorten the slice.
			r.list = r.list[:last]
			break
		}
	}
}
