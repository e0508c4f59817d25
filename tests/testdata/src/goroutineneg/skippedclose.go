package goroutineneg

import "sync"

// The close runs on every path.
func consumeDeferred(progress chan int, limit int) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for p := range progress {
			if p > limit {
				return
			}
		}
	}()
	close(progress)
	<-done
}

// The receive gives up with a select.
func consumeOrQuit(progress chan int, quit chan struct{}) {
	done := make(chan struct{})
	go func() {
		for p := range progress {
			if p < 0 {
				return
			}
		}
		close(done)
	}()
	select {
	case <-done:
	case <-quit:
	}
}

// All of the goroutines are started before the Wait.
func initAllThenWait(list []string, start func(string)) {
	var group sync.WaitGroup
	group.Add(len(list))
	for _, name := range list {
		go func(name string) {
			defer group.Done()
			start(name)
		}(name)
	}
	group.Wait()
}

// One Add per goroutine, and a Wait per iteration: sequential, but it ends.
func oneAtATime(list []string, start func(string)) {
	var group sync.WaitGroup
	for _, name := range list {
		group.Add(1)
		go func(name string) {
			defer group.Done()
			start(name)
		}(name)
		group.Wait()
	}
}
