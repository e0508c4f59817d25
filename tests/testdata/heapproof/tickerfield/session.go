package main

import "time"

// Session keeps its heartbeat ticker in a field. Nothing in the package stops it: leakls
// reports unstopped-ticker on the NewTicker call, and its fix stops the field in Close (in
// close.go).
type Session struct {
	beat  *time.Ticker
	owner string
}

// Open starts a session with a heartbeat.
func Open(owner string) *Session {
	return &Session{beat: time.NewTicker(time.Hour), owner: owner}
}
