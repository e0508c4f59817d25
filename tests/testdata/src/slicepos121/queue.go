package slicepos121

import "sync"

// Task holds a callback.
type Task struct {
	id  int
	run func()
}

// point has no pointers.
type point struct{ x, y int }

// Queue keeps tasks, shared between goroutines.
type Queue struct {
	mu     sync.Mutex
	tasks  []*Task
	values []Task
	points []point
	// done is handed over whole; watchers is set when the queue is made and only shrinks.
	done     []*Task
	watchers []*Task
}

// Push adds a task.
func (q *Queue) Push(t *Task) {
	q.tasks = append(q.tasks, t)
	q.values = append(q.values, *t)
	q.points = append(q.points, point{})
}

func (q *Queue) PopN(n int) {
	q.tasks = q.tasks[n:] // want `slice-retains: re-slicing .q\.tasks. from the front leaves the dropped \*Task elements`
}

func (q *Queue) Finish(done []*Task) {
	q.done = done
}

func (q *Queue) Reset() {
	q.done = q.done[:0] // want `slice-retains: truncating .q\.done.`
}

// Keep keeps the first n, and never grows the queue: nothing else re-slices q.tasks past
// its length, so the dropped slots can be cleared.
func (q *Queue) Keep(n int) {
	if n < len(q.tasks) {
		q.tasks = q.tasks[:n] // want `slice-retains: truncating .q\.tasks.`
	}
}

// KeepValues keeps the first n, and never grows the queue: nothing else re-slices q.values past
// its length, so the dropped slots can be cleared.
func (q *Queue) KeepValues(n int) {
	if n < len(q.values) {
		q.values = q.values[:n] // want `slice-retains: truncating .q\.values. leaves the dropped Task elements`
	}
}

func (q *Queue) Pop() *Task {
	t := q.tasks[0]
	q.tasks = q.tasks[1:] // want `slice-retains: re-slicing .q\.tasks. from the front leaves the dropped \*Task in`
	return t
}

// Before Go 1.22, slices.Delete does not clear the tail: the fix clears the last slot.
func (q *Queue) Remove(i int) {
	q.watchers = append(q.watchers[:i], q.watchers[i+1:]...) // want `slice-retains: removing from the middle of .q\.watchers.`
}

// Removing a range: reported, but only Go 1.22's slices.Delete is offered as a fix.
func (q *Queue) RemoveRange(i, j int) {
	q.watchers = append(q.watchers[:i], q.watchers[j:]...) // want `slice-retains: removing from the middle of .q\.watchers.`
}

// A filter in place leaves duplicates beyond the new length.
func (q *Queue) Filter(keep func(*Task) bool) {
	n := 0
	for _, t := range q.tasks {
		if keep(t) {
			q.tasks[n] = t
			n++
		}
	}
	q.tasks = q.tasks[:n] // want `slice-retains: truncating .q\.tasks.`
}

// Points hold no pointers.
func (q *Queue) DropPoints() {
	q.points = q.points[1:]
}
