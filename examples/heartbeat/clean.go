package main

import "time"

// The same shapes without the leaks: leakls stays silent on all of these.

// pollUntil stops its ticker when it returns.
func pollUntil(done <-chan struct{}, every time.Duration, poll func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			poll()
		case <-done:
			return
		}
	}
}

// newHeartbeat hands its ticker to the caller, who stops it.
func newHeartbeat(every time.Duration) *time.Ticker {
	return time.NewTicker(every)
}

// waitOrTimeout makes one timer for the whole loop.
func waitOrTimeout(in <-chan int, limit time.Duration) int {
	sum := 0
	timeout := time.After(limit)
	for {
		select {
		case v := <-in:
			sum += v
		case <-timeout:
			return sum
		}
	}
}

var (
	_ = pollUntil
	_ = newHeartbeat
	_ = waitOrTimeout
)
