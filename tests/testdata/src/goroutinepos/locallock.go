package goroutinepos

import "sync"

// A handler that sends holding a local mutex, and a receiver that takes the mutex first.

type eventBus struct{ handlers []func(int) }

func (b *eventBus) subscribe(h func(int)) { b.handlers = append(b.handlers, h) }

func (b *eventBus) publish(e int) {
	for _, h := range b.handlers {
		h(e)
	}
}

func awaitFirstEvent(b *eventBus) {
	delivered := make(chan bool)
	var guard sync.Mutex
	b.subscribe(func(e int) {
		guard.Lock()
		defer guard.Unlock()
		delivered <- true // want "goroutine-leak: this send waits for ever when it runs before line 26: it holds .guard. \\(.Lock. at line 21\\)"
	})
	go func() { b.publish(1) }()
	guard.Lock() // want "goroutine-leak: this .Lock. of .guard. waits for ever once the function literal at line 20 runs first: it holds .guard. \\(.Lock. at line 21\\) while it sends on the unbuffered .delivered. \\(line 23\\)"
	guard.Unlock()
	<-delivered
}
