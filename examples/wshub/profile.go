package main

import "time"

// Profile is what the server knows about a client, loaded from a store when it connects.
type Profile struct {
	ID     uint64
	Avatar [2048]byte // a thumbnail, kept with the profile
}

// loadProfile stands for a store that is slow now and then: one lookup in ten takes longer
// than the greeting waits for it.
func loadProfile(id uint64) *Profile {
	if id%10 == 0 {
		time.Sleep(100 * time.Millisecond)
	}
	return &Profile{ID: id}
}

// lookupProfile waits for the client's profile up to a deadline, and greets without it when the
// store is slow. The goroutine it started then blocks for ever on its send, and keeps the
// profile it loaded. leakls: goroutine-leak, fixed by make(chan *Profile, 1).
func lookupProfile(id uint64, wait time.Duration) *Profile {
	ch := make(chan *Profile)
	go func() {
		ch <- loadProfile(id)
	}()
	select {
	case p := <-ch:
		return p
	case <-time.After(wait):
		return nil
	}
}
