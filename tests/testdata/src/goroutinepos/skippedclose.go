package goroutinepos

import "sync"

// The consumer can stop early, before the close its starter waits for.
func consume(progress chan int, limit int) int {
	done := make(chan struct{})
	seen := 0
	go func() {
		for p := range progress {
			if p > limit {
				return
			}
			seen++
		}
		close(done)
	}()
	progress <- 1
	close(progress)
	<-done // want `goroutine-leak: this receive waits for the goroutine started at line 9 to close .done., but it can return at line 12 before it reaches the .close. \(line 16\)`
	return seen
}

// One goroutine per element, and a Wait in the same iteration.
type plugins struct{ list []string }

func (p *plugins) initAll(start func(string)) {
	var group sync.WaitGroup
	group.Add(len(p.list))
	for _, name := range p.list {
		go func(name string) {
			defer group.Done()
			start(name)
		}(name)
		group.Wait() // want `goroutine-leak: this .Wait. on the WaitGroup .group. waits for all .len\(p.list\). goroutines the .Add. at line 29 counted`
	}
}
