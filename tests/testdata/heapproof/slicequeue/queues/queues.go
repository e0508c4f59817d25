// Package queues holds shared queues that jobs pass through.
package queues

import "sync"

// Job is a unit of work with a payload, handed out by pointer.
type Job struct {
	ID      int
	payload [64]byte
}

// Queue hands out jobs first in, first out. Its mutex lets goroutines share it: it outlives
// the calls that pop from it.
type Queue struct {
	mu   sync.Mutex
	jobs []*Job
}

// Push adds a job at the back.
func (q *Queue) Push(j *Job) { q.jobs = append(q.jobs, j) }

// Pop takes the job at the front. The slot it leaves still points at the job: leakls reports
// slice-retains on the re-slice and its fix clears the slot first.
func (q *Queue) Pop() *Job {
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	return j
}

// Stack hands out jobs last in, first out, shared like the queue.
type Stack struct {
	mu   sync.Mutex
	jobs []*Job
}

// Push adds a job on top.
func (s *Stack) Push(j *Job) { s.jobs = append(s.jobs, j) }

// Pop takes the job on top, leaving it in the slot beyond the new length.
func (s *Stack) Pop() *Job {
	j := s.jobs[len(s.jobs)-1]
	s.jobs = s.jobs[:len(s.jobs)-1]
	return j
}
