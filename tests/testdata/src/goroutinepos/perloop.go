package goroutinepos

import (
	"context"
	"math/rand"
	"time"
)

type client struct{ stop chan bool }

// A channel per iteration, a goroutine that sends once on each path, and a select whose stop
// case returns: the goroutine of the last iteration blocks. Each send ends its path: buffered.
func (c *client) loop() {
	for {
		done := make(chan bool)
		go func() {
			if rand.Intn(10) > 7 {
				done <- false // want `goroutine-leak: this send on the unbuffered channel .done. blocks for ever when the other case of the select at line 24 can win.* \(as does its send at line 21 on another path\)`
				return
			}
			done <- true
		}()
		select {
		case <-c.stop:
			return
		case <-done:
		}
	}
}

// The goroutine closes the channel after its send; the case that times out still receives,
// the stop case does not.
func probe(stop chan bool, every time.Duration) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(every):
			results := make(chan bool)
			ctx, cancel := context.WithTimeout(context.Background(), every)
			go func() {
				results <- true // want `goroutine-leak: this send on the unbuffered channel .results. blocks for ever when the other case of the select at line 46 can win`
				close(results)
			}()
			select {
			case <-stop:
				cancel()
				return
			case <-results:
				cancel()
			case <-ctx.Done():
				cancel()
				<-results
			}
		}
	}
}
