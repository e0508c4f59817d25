package goroutinepos

import "sync"

// The workers are waited for before what they send is read: each send waits for a receive that
// comes after the Wait, and the Wait for a Done that comes after the send.
func squares(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- x * x // want `goroutine-leak: this send on the unbuffered channel .results. blocks for ever: its receiver waits first for .wg.Wait\(\). \(line 17\)`
		}()
	}
	wg.Wait() // want `goroutine-leak: this .Wait. on the WaitGroup .wg. blocks for ever: the goroutines it waits for call .wg.Done\(\). only after their send on .results. \(line 14\)`
	close(results)
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}
