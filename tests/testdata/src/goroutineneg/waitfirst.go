package goroutineneg

import "sync"

// Waiting and reading in the order that works.

// The Wait runs in its own goroutine, which closes the channel; the function reads meanwhile.
func squaresClosing(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- x * x
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}

// Room for every result: the sends never wait.
func squaresBuffered(xs []int) []int {
	results := make(chan int, len(xs))
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- x * x
		}()
	}
	wg.Wait()
	close(results)
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}

// Done comes before the send: the Wait returns, then the receives take the values.
func doneFirst(x int) int {
	results := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		wg.Done()
		results <- x
	}()
	wg.Wait()
	return <-results
}
