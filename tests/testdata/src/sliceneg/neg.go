package sliceneg

import (
	"strings"
	"sync"
)

// Job holds a pointer.
type Job struct{ data *[]byte }

// plain holds only numbers and strings.
type plain struct {
	a, b int
	s    string
	arr  [4]float64
}

// Queue has slices of every kind. Its mutex says it is shared, so it outlives the calls that
// drop its elements: what keeps each finding below away is the shape, not the owner.
type Queue struct {
	mu      sync.Mutex
	jobs    []*Job
	ints    []int
	strs    []string
	plains  []plain
	builder []strings.Builder
}

// push adds to every list.
func (q *Queue) push(j *Job) {
	q.jobs = append(q.jobs, j)
	q.ints = append(q.ints, 1)
	q.strs = append(q.strs, "")
	q.plains = append(q.plains, plain{})
	q.builder = append(q.builder, strings.Builder{})
}

// Locals die with the function.
func bfs(start *Job, next func(*Job) []*Job) int {
	queue := []*Job{start}
	seen := 0
	for len(queue) > 0 {
		j := queue[0]
		queue = queue[1:]
		queue = append(queue, next(j)...)
		seen++
	}
	return seen
}

func parseArgs(args []string) []string {
	for len(args) > 0 && args[0] == "-v" {
		args = args[1:]
	}
	return args
}

// A parameter of slice type is a local copy of the slice header.
func shift(jobs []*Job) []*Job {
	jobs = jobs[1:]
	return jobs
}

// Elements without pointers.
func (q *Queue) dropNumbers() {
	q.ints = q.ints[1:]
	q.strs = q.strs[1:]
	q.plains = q.plains[1:]
	q.ints = q.ints[:len(q.ints)-1]
	q.strs = q.strs[:0]
}

// A value type from outside the module is not judged: leakls cannot see whether it holds
// pointers. (A pointer to one always keeps it alive: slicepos reports that.)
func (q *Queue) dropForeign() {
	q.builder = q.builder[1:]
}

// A value receiver changes its own copy.
func (q Queue) dropOnCopy() {
	q.jobs = q.jobs[1:]
}

// Slots already cleared, each way.
func (q *Queue) popCleared() *Job {
	j := q.jobs[0]
	q.jobs[0] = nil
	q.jobs = q.jobs[1:]
	return j
}

func (q *Queue) popBackCleared() *Job {
	j := q.jobs[len(q.jobs)-1]
	q.jobs[len(q.jobs)-1] = nil
	q.jobs = q.jobs[:len(q.jobs)-1]
	return j
}

func (q *Queue) dropCleared(n int) {
	clear(q.jobs[:n])
	q.jobs = q.jobs[n:]
}

func (q *Queue) resetCleared() {
	clear(q.jobs)
	q.jobs = q.jobs[:0]
}

func (q *Queue) dropLoop(n int) {
	for i := 0; i < n; i++ {
		q.jobs[i] = nil
	}
	q.jobs = q.jobs[n:]
}

func (q *Queue) popZeroVar() *Job {
	var zero *Job
	j := q.jobs[0]
	q.jobs[0] = zero
	q.jobs = q.jobs[1:]
	return j
}

func (q *Queue) removeCleared(i int) {
	q.jobs = append(q.jobs[:i], q.jobs[i+1:]...)
	q.jobs[:len(q.jobs)+1][len(q.jobs)] = nil
}

// A full slice expression drops the reference to the old array's tail capacity handling;
// a three-index slice is not a form this check knows.
func (q *Queue) limit() {
	q.jobs = q.jobs[:0:0]
}

// Growing within capacity is not dropping.
func (q *Queue) regrow() {
	q.jobs = q.jobs[:len(q.jobs)+1]
}

// A batch allocator hands out the slot by address: it is in use, not dropped.
func (q *Queue) alloc() *Job {
	if len(q.jobs) == 0 {
		q.jobs = make([]*Job, 16)
	}
	j := &q.jobs[0]
	q.jobs = q.jobs[1:]
	return *j
}

// Resizing within capacity may grow the slice.
func (q *Queue) resize(n int) {
	if cap(q.jobs) >= n {
		q.jobs = q.jobs[:n]
	} else {
		q.jobs = make([]*Job, n)
	}
}

func (q *Queue) extend(n int) {
	if len(q.jobs) < n {
		q.jobs = q.jobs[:n]
	}
}

// Clearing the fields of the dropped element counts.
type slot struct {
	job  *Job
	next *slot
}

type slots struct {
	mu   sync.Mutex
	free []slot
}

func (s *slots) pop() {
	n := len(s.free) - 1
	s.free[n].job = nil
	s.free[n].next = nil
	s.free = s.free[:n]
}

// A fresh local value dies with the function.
func fresh() {
	q := &Queue{jobs: []*Job{{}, {}}}
	q.jobs = q.jobs[1:]
	v := Queue{}
	v.jobs = v.jobs[:0]
}

func clearJobs(jobs []*Job) {
	for i := range jobs {
		jobs[i] = nil
	}
}

// A helper named for clearing counts as clearing.
func (q *Queue) truncate(n int) {
	clearJobs(q.jobs[n:])
	q.jobs = q.jobs[:n]
}
