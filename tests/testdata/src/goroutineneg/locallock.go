package goroutineneg

import "sync"

// Sends under a local mutex that the receiver does not need first, or that cannot be told.

type eventBus struct{ handlers []func(int) }

func (b *eventBus) subscribe(h func(int)) { b.handlers = append(b.handlers, h) }

func (b *eventBus) publish(e int) {
	for _, h := range b.handlers {
		h(e)
	}
}

// The handler releases the mutex before it sends.
func unlockThenSend(b *eventBus) {
	delivered := make(chan bool)
	var guard sync.Mutex
	b.subscribe(func(e int) {
		guard.Lock()
		guard.Unlock()
		delivered <- true
	})
	go func() { b.publish(1) }()
	guard.Lock()
	guard.Unlock()
	<-delivered
}

// The receive comes before the receiver's Lock.
func receiveThenLock(b *eventBus) {
	delivered := make(chan bool)
	var guard sync.Mutex
	b.subscribe(func(e int) {
		guard.Lock()
		defer guard.Unlock()
		delivered <- true
	})
	go func() { b.publish(1) }()
	<-delivered
	guard.Lock()
	guard.Unlock()
}

// A buffer: the send completes without the receiver.
func bufferedDelivery(b *eventBus) {
	delivered := make(chan bool, 1)
	var guard sync.Mutex
	b.subscribe(func(e int) {
		guard.Lock()
		defer guard.Unlock()
		delivered <- true
	})
	go func() { b.publish(1) }()
	guard.Lock()
	guard.Unlock()
	<-delivered
}

// Another goroutine receives too: the handler's send may complete there.
func anotherReceiver(b *eventBus) {
	delivered := make(chan bool)
	var guard sync.Mutex
	b.subscribe(func(e int) {
		guard.Lock()
		defer guard.Unlock()
		delivered <- true
	})
	go func() { <-delivered }()
	go func() { b.publish(1) }()
	guard.Lock()
	guard.Unlock()
	<-delivered
}

// The mutex is handed to code out of sight.
func sharedGuard(b *eventBus, share func(*sync.Mutex)) {
	delivered := make(chan bool)
	var guard sync.Mutex
	share(&guard)
	b.subscribe(func(e int) {
		guard.Lock()
		defer guard.Unlock()
		delivered <- true
	})
	go func() { b.publish(1) }()
	guard.Lock()
	guard.Unlock()
	<-delivered
}
