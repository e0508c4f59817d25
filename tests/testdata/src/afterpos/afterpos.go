package afterpos

import (
	"fmt"
	"time"
)

func timeout(in chan int, d time.Duration) {
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case <-time.After(d): // want `after-in-loop: time.After in a loop starts a new timer on every iteration and abandons it each time .v := <-in. wins and the loop goes on: before Go 1.23 each abandoned timer stays in memory until it fires`
			return
		}
	}
}

func withValue(in chan int, d time.Duration) {
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case now := <-time.After(d): // want `after-in-loop: time.After in a loop starts a new timer`
			fmt.Println(now)
			return
		}
	}
}

func assignedValue(in chan int, d time.Duration, n int) (last time.Time) {
	for i := 0; i < n; i++ {
		select {
		case <-in:
		case last = <-time.After(d): // want `after-in-loop`
		}
	}
	return last
}

func withDefault(d time.Duration, n int) {
	for i := 0; i < n; i++ {
		select {
		case <-time.After(d): // want `after-in-loop: .* abandons it each time the select falls to its default case and the loop goes on`
			fmt.Println("late")
		default:
			fmt.Println("busy")
		}
	}
}

func rangeLoop(jobs []chan int, d time.Duration) {
	for _, job := range jobs {
		select {
		case <-job:
		case <-time.After(d): // want `after-in-loop`
			fmt.Println("skipped")
		}
	}
}

func conditionLoop(in chan int, d time.Duration) {
	open := true
	for open {
		select {
		case _, open = <-in:
		case <-time.After(d): // want `after-in-loop`
		}
	}
}

func nestedLoops(in chan int, d time.Duration) {
	for {
		for i := 0; i < 3; i++ {
			select {
			case <-in:
			case <-time.After(d * time.Duration(i)): // want `after-in-loop`
			}
		}
	}
}

// The optional timeout: a new channel on every pass, received in the select below it.
func optionalTimeout(in chan int, d time.Duration) {
	for {
		var timeout <-chan time.Time
		if d > 0 {
			timeout = time.After(d) // want `after-in-loop: time.After in a loop starts a new timer on every iteration and abandons it each time .v := <-in. wins`
		}
		select {
		case v := <-in:
			fmt.Println(v)
		case <-timeout:
			return
		}
	}
}

// Declared before the loop, but made again on every pass.
func timeoutEachPass(in chan int, d time.Duration) {
	var timeout <-chan time.Time
	for {
		timeout = time.After(d) // want `after-in-loop`
		select {
		case v := <-in:
			fmt.Println(v)
		case <-timeout:
			return
		}
	}
}

// Declared on every pass.
func declaredEachPass(in chan int, d time.Duration) {
	for {
		timeout := time.After(d) // want `after-in-loop`
		select {
		case <-in:
		case <-timeout:
			return
		}
	}
}

// An unlabeled break ends the select, not the loop.
func breakEndsTheSelect(in chan int, d time.Duration) {
	for {
		select {
		case v := <-in:
			if v < 0 {
				break
			}
			fmt.Println(v)
		case <-time.After(d): // want `after-in-loop`
			return
		}
	}
}

// A continue goes round the same loop.
func continueLoops(in chan int, d time.Duration) {
outer:
	for {
		select {
		case <-in:
			continue outer
		case <-time.After(d): // want `after-in-loop`
			return
		}
	}
}
