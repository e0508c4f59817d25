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
		case <-time.After(d): // want `after-in-loop: time.After in a loop starts a new timer on every iteration: before Go 1.23 each abandoned timer stays in memory until it fires`
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

func assignedValue(in chan int, d time.Duration) (last time.Time) {
	for i := 0; i < 10; i++ {
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
		case <-time.After(d): // want `after-in-loop: time.After in a loop starts a new timer`
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
