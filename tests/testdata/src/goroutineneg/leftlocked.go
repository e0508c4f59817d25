package goroutineneg

import "sync"

// Calls that may return holding a lock, and callers that do not lock it again blindly.

type ledger struct {
	mu      sync.Mutex
	entries int
}

// Returns holding the lock when it finds work, by design: the caller unlocks.
func (l *ledger) lockIfBusy() bool {
	l.mu.Lock()
	if l.entries > 0 {
		return true
	}
	l.mu.Unlock()
	return false
}

func settle(l *ledger) {
	l.lockIfBusy()
	l.mu.Unlock() // released before the next lock: whatever path ran
	l.mu.Lock()
	l.mu.Unlock()
}

func settleAfterHandOff(l *ledger, release func(*ledger)) {
	l.lockIfBusy()
	release(l) // may unlock it
	l.mu.Lock()
	l.mu.Unlock()
}

// A deferred unlock releases it on every exit.
func (l *ledger) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == 0 {
		return 0
	}
	return l.entries
}

func recount(l *ledger) {
	l.count()
	l.mu.Lock()
	l.mu.Unlock()
}

type view struct {
	mu    sync.RWMutex
	items []int
}

// Returns read-locked on one path; a second reader does not wait for the first.
func (v *view) peek() {
	v.mu.RLock()
	if len(v.items) == 0 {
		return
	}
	v.mu.RUnlock()
}

func peekTwice(v *view) {
	v.peek()
	v.mu.RLock()
	v.mu.RUnlock()
}
