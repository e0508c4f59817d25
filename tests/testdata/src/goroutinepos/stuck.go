package goroutinepos

import "sync"

// Operations no code can ever release: the goroutine waits for ever whatever path runs.

func nilReceive() {
	go func() {
		var c chan int
		<-c // want `goroutine-leak: this goroutine waits for ever: .c. is a nil channel \(declared at line 9 and never assigned\)`
	}()
}

func nilSendInLoop(items []int) {
	var out chan int
	go func() {
		for _, it := range items {
			out <- it // want `goroutine-leak: .*.out. is a nil channel`
		}
	}()
}

func madeHere() {
	go func() {
		<-make(chan struct{}) // want `goroutine-leak: .*the channel is made in this very expression`
	}()
}

func emptySelect() {
	go func() {
		select {} // want `goroutine-leak: .*.select \{\}. has no case to wait for`
	}()
}

func nobodySends() {
	done := make(chan struct{})
	go func() {
		for range done { // want `goroutine-leak: .*nothing sends on or closes .done. \(made at line 36, used nowhere else\)`
		}
	}()
	go func() {
		var never chan int
		select { // want `goroutine-leak: .*no case of this select can ever proceed \(nothing sends on or closes .done.*; .never. is a nil channel`
		case <-done:
		case never <- 1:
		}
	}()
}

func nobodyReceives(n int) {
	results := make(chan int)
	go func() {
		results <- n * n // want `goroutine-leak: .*nothing receives from the unbuffered channel .results.`
	}()
	_ = len(results)
}

func waitForNothing() {
	go func() {
		var wg sync.WaitGroup
		wg.Add(2)
		wg.Wait() // want `goroutine-leak: .*.wg.Add. counts up and nothing ever calls .wg.Done.`
	}()
}

func lockTwice() {
	go func() {
		mu := &sync.Mutex{}
		mu.Lock()
		work()
		mu.Lock() // want `goroutine-leak: .*.mu. is already held by this goroutine \(.mu.Lock\(\). at line 69\)`
	}()
}

func readAfterWrite() {
	mu := new(sync.RWMutex)
	go func() {
		mu.Lock()
		mu.RLock() // want `goroutine-leak: .*.mu. is already held`
	}()
}

func neverSignalled() {
	go func() {
		c := sync.NewCond(&sync.Mutex{})
		c.L.Lock()
		c.Wait() // want `goroutine-leak: .*nothing ever calls .Signal. or .Broadcast. on .c.`
	}()
}

func work() {}

// A channel handed to a function of the file that never uses that parameter (grpc's
// lbWatcher): nothing else can close it.
type addrWatcher struct{ addrs []string }

func (w *addrWatcher) watchAddrs(stopped chan bool) {
	for range w.addrs {
	}
}

func watchAndWait(w *addrWatcher) {
	go func() {
		stopped := make(chan bool)
		go w.watchAddrs(stopped)
		<-stopped // want "goroutine-leak: .*nothing sends on or closes .stopped. \\(made at line 104, used nowhere else; .watchAddrs., which it is handed to, never uses it\\)"
	}()
}

func ignoreDone(_ chan struct{}, n int) int { return n }

func handedToBlank() {
	go func() {
		finished := make(chan struct{})
		ignoreDone(finished, 1)
		<-finished // want "goroutine-leak: .*nothing sends on or closes .finished..*.ignoreDone., which it is handed to, never uses it"
	}()
}
