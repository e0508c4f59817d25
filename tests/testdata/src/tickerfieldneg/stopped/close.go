package stopped

// Close stops the Flusher's ticker.
func (f *Flusher) Close() error {
	f.flush.Stop()
	return nil
}
