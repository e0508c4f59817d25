package goroutineneg

// The other half of relay: the package releases every field, in another file.

func (r *relay) stop() {
	close(r.relayStop)
	r.relayJobs.Done()
	r.relayWake.Broadcast()
}
