package main

import "time"

// heartbeat waits for one beat or for done, as a connection's heartbeat loop does. It never
// stops its ticker: leakls reports unstopped-ticker here and its fix adds `defer t.Stop()`.
func heartbeat(done <-chan struct{}) bool {
	t := time.NewTicker(time.Hour)
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}
