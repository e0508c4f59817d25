// Package pq is a priority queue of jobs. It has no lock of its own: what holds one (a Hub,
// in another package) shares it, and that is what makes it outlive the calls.
package pq

import "container/heap"

// Job is queued by priority.
type Job struct {
	Priority int
	Payload  []byte
}

// Queue is a container/heap of jobs.
type Queue []*Job

func (q Queue) Len() int           { return len(q) }
func (q Queue) Less(i, j int) bool { return q[i].Priority < q[j].Priority }
func (q Queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *Queue) Push(x any)        { *q = append(*q, x.(*Job)) }

func (q *Queue) Pop() any {
	old := *q
	n := len(old)
	j := old[n-1]
	*q = old[:n-1] // want `slice-retains: shrinking .\*q. by one leaves the dropped \*Job`
	return j
}

// Due takes the first job when it is due.
func (q *Queue) Due(now int) *Job {
	if len(*q) == 0 || (*q)[0].Priority > now {
		return nil
	}
	return heap.Remove(q, 0).(*Job)
}
