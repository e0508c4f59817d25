// Command slicequeue counts the jobs that stay reachable after they leave a queue and a stack:
// it passes n jobs through each, keeps the container alive, collects garbage twice and
// counts through weak pointers the jobs that were not freed.
package main

import (
	"fmt"
	"runtime"
	"weak"

	"leakls.test/heapproof/slicequeue/queues"
)

const n = 100000

// survivors reports how many of the jobs behind ws are still live.
func survivors(ws []weak.Pointer[queues.Job]) int {
	runtime.GC()
	runtime.GC()
	live := 0
	for _, w := range ws {
		if w.Value() != nil {
			live++
		}
	}
	return live
}

// through passes n new jobs into a container and takes them all out again, returning weak
// pointers to them.
func through(put func(*queues.Job), take func()) []weak.Pointer[queues.Job] {
	ws := make([]weak.Pointer[queues.Job], 0, n)
	for i := 0; i < n; i++ {
		j := &queues.Job{ID: i}
		ws = append(ws, weak.Make(j))
		put(j)
	}
	for i := 0; i < n; i++ {
		take()
	}
	return ws
}

func main() {
	q := &queues.Queue{}
	ws := through(q.Push, func() { q.Pop() })
	fmt.Printf("queue n=%d survivors=%d\n", n, survivors(ws))
	runtime.KeepAlive(q)

	s := &queues.Stack{}
	ws = through(s.Push, func() { s.Pop() })
	fmt.Printf("stack n=%d survivors=%d\n", n, survivors(ws))
	runtime.KeepAlive(s)
}
