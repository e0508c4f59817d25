package afterneg

import (
	"context"
	"fmt"
	"time"
)

// Evaluated once, before the loop.
func once(in chan int, d time.Duration) {
	deadline := time.After(d)
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case <-deadline:
			return
		}
	}
}

// A plain receive is a sleep: the timer fires and is consumed.
func sleepInLoop(d time.Duration, n int) {
	for i := 0; i < n; i++ {
		<-time.After(d)
		fmt.Println(i)
	}
}

// The only way out of the select is the timer: it always fires and is consumed.
func onlyCase(d time.Duration, n int) {
	for i := 0; i < n; i++ {
		select {
		case <-time.After(d):
			fmt.Println(i)
		}
	}
}

// time.Time's After method, on a variable and on a call's result.
func timeMethod(times []time.Time, u time.Time) int {
	n := 0
	for _, t := range times {
		if t.After(u) {
			n++
		}
		if time.Now().After(u) {
			n--
		}
	}
	return n
}

// The literal has no loop: judged on its own.
func inGoroutine(d time.Duration, done chan struct{}, n int) {
	for i := 0; i < n; i++ {
		go func() {
			<-time.After(d)
		}()
		go func() {
			select {
			case <-time.After(d):
			case <-done:
			}
		}()
	}
}

// The range expression is evaluated once.
func rangeOverAfter(d time.Duration) {
	for now := range time.After(d) {
		fmt.Println(now)
		return
	}
}

// The init statement of a three-clause loop runs once.
func initStatement(in chan int, d time.Duration) {
	for deadline := time.After(d); ; {
		select {
		case <-in:
		case <-deadline:
			return
		}
	}
}

// Not in a loop at all.
func single(in chan int, d time.Duration) {
	select {
	case <-in:
	case <-time.After(d):
	}
}

// A timer reset each iteration: the fix the check suggests, already applied.
func resetTimer(in chan int, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		timer.Reset(d)
		select {
		case <-in:
		case <-timer.C:
			return
		}
	}
}

// Every other case leaves the loop: at most one timer is ever abandoned.
func otherCaseReturns(ctx context.Context, d time.Duration, poll func()) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
			poll()
		}
	}
}

// A labeled break leaves the loop too, and so does a call that never returns.
func otherCasesLeave(stop, fatal chan struct{}, d time.Duration, poll func()) {
loop:
	for {
		select {
		case <-stop:
			break loop
		case <-fatal:
			panic("fatal")
		case <-time.After(d):
			poll()
		}
	}
}

// A loop bounded by a constant abandons a constant number of timers at most (a test's wait).
func boundedWait(done chan struct{}) {
	for i := 0; i < 3; i++ {
		select {
		case <-done:
		case <-time.After(time.Second):
			panic("timeout")
		}
	}
	for range 3 {
		select {
		case <-done:
		case <-time.After(time.Second):
		}
	}
}

// One channel made on the first pass and kept: the lazy timeout.
func lazyTimeout(in chan int, d time.Duration) {
	var timeout <-chan time.Time
	for {
		if timeout == nil {
			timeout = time.After(d)
		}
		select {
		case v := <-in:
			fmt.Println(v)
		case <-timeout:
			return
		}
	}
}

// The channel is made on every pass, but no select waits on it beside a case that loops.
func timeoutOnly(d time.Duration, n int, work func(<-chan time.Time)) {
	for i := 0; i < n; i++ {
		timeout := time.After(d)
		work(timeout)
	}
}
