// Command ticker measures what calls of heartbeat leave on the heap: it calls it for each of n events and
// prints how many heap objects and bytes are still live after two garbage collections.
package main

import (
	"fmt"
	"runtime"
)

const n = 10000

// live collects garbage and returns the heap objects and bytes still in use.
func live() (objects, bytes int64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapObjects), int64(m.HeapAlloc)
}

func main() {
	done := make(chan struct{})
	close(done)
	objects0, bytes0 := live()
	// Each beat arrives as an event, as a server's do: a loop that waits for events is what
	// makes a leak repeat (leakls stays silent about code that runs once per program).
	beats := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			beats <- i
		}
		close(beats)
	}()
	for range beats {
		heartbeat(done)
	}
	objects1, bytes1 := live()
	fmt.Printf("n=%d objects=%d bytes=%d\n", n, objects1-objects0, bytes1-bytes0)
}
