package emitter

// Close releases the Emitter.
func (e *Emitter) Close() {}
