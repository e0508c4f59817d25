// Package emitter has both Close and Stop: the fix goes into Close, which is empty.
package emitter

import "time"

// Emitter emits a beat.
type Emitter struct {
	beat *time.Ticker
}

// New starts an Emitter from a value literal.
func New() *Emitter {
	e := Emitter{beat: time.NewTicker(time.Second)} // want `unstopped-ticker: the ticker in field .Emitter.beat. is never stopped`
	return &e
}

// Stop pauses the emitter.
func (e *Emitter) Stop() {
	e.beat.Reset(time.Hour)
}
