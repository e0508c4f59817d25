package goroutineneg

import (
	"os"
	"os/signal"
	"sync"
)

// Waits that look final but that other code can release, or that are meant to last.

var global = make(chan int)

// Go's NoLeakGlobal: another file may send on a package-level channel.
func fromGlobal() {
	go func() {
		<-global
	}()
}

// The nil channel is assigned before it is used.
func assignedLater(ready bool) {
	var c chan int
	if ready {
		c = make(chan int, 1)
		c <- 1
	}
	go func() {
		<-c
	}()
}

// A nil channel in a select disables that case only.
func disabledCase(in chan int) {
	var off chan int
	go func() {
		select {
		case <-off:
		case <-in:
		}
	}()
}

// Handed to a function out of sight: it may send.
func passedOn() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		<-sig
	}()
}

// Closed by the function that made it.
func closedLater() {
	stop := make(chan struct{})
	go func() {
		<-stop
	}()
	close(stop)
}

// A buffered send succeeds until the buffer is full.
func bufferedOne() {
	c := make(chan int, 1)
	go func() {
		c <- 1
	}()
}

// The blocking forever is the function's own job, not a goroutine's.
func serveForever() {
	select {}
}

// A select with a default never waits.
func tryOnce() {
	go func() {
		select {
		default:
		}
	}()
}

func doneCalled() {
	go func() {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done() }()
		wg.Wait()
	}()
}

// Add with a count that may be zero.
func addUnknown(n int) {
	go func() {
		var wg sync.WaitGroup
		wg.Add(n)
		wg.Wait()
	}()
}

func unlockedBetween() {
	go func() {
		var mu sync.Mutex
		mu.Lock()
		mu.Unlock()
		mu.Lock()
	}()
}

// Another goroutine may unlock it.
func unlockedElsewhere() {
	var mu sync.Mutex
	go func() {
		mu.Lock()
		mu.Lock()
	}()
	go func() {
		mu.Unlock()
	}()
}

// Two readers do not exclude each other.
func readTwice() {
	go func() {
		var mu sync.RWMutex
		mu.RLock()
		mu.RLock()
	}()
}

func signalled() {
	c := sync.NewCond(&sync.Mutex{})
	go func() {
		c.L.Lock()
		c.Wait()
	}()
	c.Signal()
}

// The channel is shadowed inside the goroutine: the outer one is sent on.
func shadowed() {
	c := make(chan int)
	go func(c chan int) {
		<-c
	}(make(chan int))
	c <- 1
}

// A channel handed to a function that uses it, or to one that cannot be told.
type addrRelay struct{ addrs []string }

func (r *addrRelay) forward(stopped chan bool) {
	for range r.addrs {
	}
	close(stopped)
}

func (r *addrRelay) Watch(stopped chan bool) {}

type watcherLike interface {
	notifyStop(stopped chan bool)
}

type quietWatcher struct{}

func (quietWatcher) notifyStop(stopped chan bool) {}

func forwardAndWait(r *addrRelay, w watcherLike) {
	go func() {
		stopped := make(chan bool)
		go r.forward(stopped) // closes it
		<-stopped
	}()
	go func() {
		stopped := make(chan bool)
		go r.Watch(stopped) // exported: another type's Watch may be the one called
		<-stopped
	}()
	go func() {
		stopped := make(chan bool)
		go w.notifyStop(stopped) // an interface's: the implementation may close it
		<-stopped
	}()
	go func() {
		stopped := make(chan bool)
		spread(stopped, stopped)
		<-stopped
	}()
}

// Variadic: the arguments do not map to the parameters one to one.
func spread(first chan bool, rest ...chan bool) {
	close(rest[0])
}
