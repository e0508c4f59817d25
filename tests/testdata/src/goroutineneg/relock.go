package goroutineneg

import "sync"

// Locks taken again after a release, by another goroutine, or only where the caller says so.

type cache struct {
	mu      sync.RWMutex
	entries map[string]string
	updates chan string
}

func (c *cache) refresh() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
	c.mu.Lock() // released just before
	c.mu.Unlock()
}

// Two readers do not exclude each other; only a writer queued between them would, and no
// method of this type write-locks `mu` (the same shape with a writer is in goroutinepos).
type snapshot struct {
	mu      sync.RWMutex
	entries map[string]string
}

func (s *snapshot) size() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.count()
}

func (s *snapshot) count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.entries)
}

// The callee locks only when asked to: the caller says it holds the lock.
func (c *cache) put(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.store(k, v, true)
}

func (c *cache) store(k, v string, locked bool) {
	if !locked {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	c.entries[k] = v
}

// A helper called with the lock held, that releases it first.
func (c *cache) flush() {
	c.mu.Lock()
	c.unlockAndNotify()
	c.mu.Lock()
	c.mu.Unlock()
}

func (c *cache) unlockAndNotify() {
	c.mu.Unlock()
}

// A goroutine started in between may be the one that unlocks: a hand-off.
func (c *cache) handOff() {
	c.mu.Lock()
	go func() {
		c.mu.Unlock()
	}()
	c.mu.Lock()
	c.mu.Unlock()
}

// So may whoever receives from the channel.
func (c *cache) listen() {
	for u := range c.updates {
		_ = u
		c.mu.Unlock()
	}
}

func (c *cache) handOffByChannel() {
	c.mu.Lock()
	c.updates <- "locked"
	c.mu.Lock()
	c.mu.Unlock()
}

// Started as a goroutine: it waits until this method returns, then gets the lock.
func (c *cache) background() {
	c.mu.Lock()
	defer c.mu.Unlock()
	go c.count()
}

func (c *cache) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// One branch unlocks: after the if, the lock may be free.
func (c *cache) maybeRelease(done bool) {
	c.mu.Lock()
	if done {
		c.mu.Unlock()
	} else {
		c.entries = nil
		c.mu.Unlock()
	}
	c.mu.Lock()
	c.mu.Unlock()
}

// A loop that unlocks in its body.
func (c *cache) drain(keys []string) {
	c.mu.Lock()
	for _, k := range keys {
		delete(c.entries, k)
		c.mu.Unlock()
		c.mu.Lock()
	}
	c.mu.Unlock()
}

// The receiver handed to a function out of sight, which may unlock.
func (c *cache) viaHelper() {
	c.mu.Lock()
	release(c)
	c.mu.Lock()
	c.mu.Unlock()
}

func release(c *cache) { c.mu.Unlock() }

// A deferred literal unlocks at the return, not before: the lock is held, but nothing takes it
// again.
func (c *cache) deferredLiteral() {
	c.mu.Lock()
	defer func() { c.mu.Unlock() }()
	c.entries = map[string]string{}
}

// Each iteration unlocks on every path, the continue included; a break out of a switch carries
// its (released) state on.
func (c *cache) sweep(keys []string) {
	for _, k := range keys {
		c.mu.Lock()
		if _, ok := c.entries[k]; !ok {
			c.mu.Unlock()
			continue
		}
		switch k {
		case "":
			c.mu.Unlock()
			break
		default:
			delete(c.entries, k)
			c.mu.Unlock()
		}
	}
}

// The lock is taken before the loop and handed back at the end of each iteration.
func (c *cache) batches(keys []string) {
	c.mu.Lock()
	for range keys {
		c.mu.Unlock()
		c.mu.Lock()
	}
	c.mu.Unlock()
}
