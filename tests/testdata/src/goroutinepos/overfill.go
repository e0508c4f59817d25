package goroutinepos

// A buffered channel sent on more times than it holds before anything could receive from it.

func fillTwice() {
	go func() {
		results := make(chan int, 1)
		results <- 1
		results <- 2 // want "goroutine-leak: this send waits for ever: .results. \\(capacity 1, made at line 7\\) is already full \\(the send at line 8\\)"
		go func() { <-results }()
	}()
}

// The owner's method signals its channel before it starts the worker that drains it.
type compactor struct {
	kick chan struct{}
}

func (c *compactor) start() {
	c.kick <- struct{}{}
	go func() {
		for range c.kick {
		}
	}()
}

func startCompactor() {
	go func() {
		c := &compactor{kick: make(chan struct{}, 1)}
		c.kick <- struct{}{}
		c.start() // want "goroutine-leak: this send, through this call, waits for ever: the method sends on the channel first \\(line 20\\), and .c.kick. \\(capacity 1, made at line 29\\) is already full"
	}()
}
