package main

import (
	"sync"
	"time"
)

// sessions records when each session started, for the status page. Nothing ever deletes from
// it, so it grows by one small entry per connection the process has served. leakls:
// global-growth, which has no automatic fix (the cure is a delete when the session ends).
var (
	sessionsMu sync.Mutex
	sessions   = map[uint64]int64{}
)

// remember records the start of a session.
func remember(id uint64) {
	sessionsMu.Lock()
	defer sessionsMu.Unlock()
	sessions[id] = time.Now().UnixNano()
}

// sessionCount is the number of sessions recorded.
func sessionCount() int {
	sessionsMu.Lock()
	defer sessionsMu.Unlock()
	return len(sessions)
}
