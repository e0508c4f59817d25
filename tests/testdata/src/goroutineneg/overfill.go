package goroutineneg

// Buffered channels that hold what is sent, or that someone may drain before the next send.

func fillToCapacity() {
	go func() {
		results := make(chan int, 2)
		results <- 1
		results <- 2
		_ = <-results + <-results
	}()
}

func drainedBetween() {
	go func() {
		results := make(chan int, 1)
		results <- 1
		<-results
		results <- 2
	}()
}

func handedOffFirst(consume func(chan int)) {
	go func() {
		results := make(chan int, 1)
		go consume(results)
		results <- 1
		results <- 2
	}()
}

// The worker starts before the second send: it may take the first value.
type signaller struct {
	wake chan struct{}
}

func (s *signaller) run() {
	go func() {
		for range s.wake {
		}
	}()
	s.wake <- struct{}{}
}

func startSignaller() {
	go func() {
		s := &signaller{wake: make(chan struct{}, 1)}
		s.wake <- struct{}{}
		s.run()
	}()
}

// A capacity that is not a literal: how many fit is not known here.
func sized(n int) {
	go func() {
		results := make(chan int, n)
		results <- 1
		results <- 2
	}()
}
