package main

// Job is a unit of work with a payload, handed out by pointer.
type Job struct {
	id      int
	payload [64]byte
}

// Queue hands out jobs first in, first out.
type Queue struct{ jobs []*Job }

// Push adds a job at the back.
func (q *Queue) Push(j *Job) { q.jobs = append(q.jobs, j) }

// Pop takes the job at the front. The slot it leaves still points at the job: leakls reports
// slice-retains on the re-slice and its fix clears the slot first.
func (q *Queue) Pop() *Job {
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	return j
}

// Stack hands out jobs last in, first out.
type Stack struct{ jobs []*Job }

// Push adds a job on top.
func (s *Stack) Push(j *Job) { s.jobs = append(s.jobs, j) }

// Pop takes the job on top, leaving it in the slot beyond the new length.
func (s *Stack) Pop() *Job {
	j := s.jobs[len(s.jobs)-1]
	s.jobs = s.jobs[:len(s.jobs)-1]
	return j
}

// Batch collects jobs and is reused after each flush.
type Batch struct{ jobs []*Job }

// Add adds a job to the batch.
func (b *Batch) Add(j *Job) { b.jobs = append(b.jobs, j) }

// Reset empties the batch for reuse, keeping its backing array and every job in it.
func (b *Batch) Reset() {
	b.jobs = b.jobs[:0]
}
