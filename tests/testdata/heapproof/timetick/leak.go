package main

import "time"

// waitBeat waits for one beat or for done. time.Tick hides the ticker, so nothing can stop it:
// leakls reports time-tick here and its fix makes a time.NewTicker with `defer ticker.Stop()`.
func waitBeat(done <-chan struct{}) bool {
	tick := time.Tick(time.Hour)
	select {
	case <-tick:
		return true
	case <-done:
		return false
	}
}
