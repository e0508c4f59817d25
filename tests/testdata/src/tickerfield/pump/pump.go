// Package pump keeps a ticker made in a composite literal; its Close is in close.go.
package pump

import "time"

// Pump moves data on every tick.
type Pump struct {
	tick *time.Ticker
	n    int
}

// New starts a Pump.
func New(d time.Duration) *Pump {
	return &Pump{tick: time.NewTicker(d)} // want `unstopped-ticker: the ticker in field .Pump.tick. is never stopped: nothing in the package calls Stop on it; before Go 1.23`
}

// Run reads the ticks.
func (p *Pump) Run() {
	for range p.tick.C {
		p.n++
	}
}

// Drain empties the pump at a steady pace; its ticker is set after the value is made.
type Drain struct {
	pace *time.Ticker
}

// NewDrain starts a Drain.
func NewDrain(d time.Duration) *Drain {
	dr := &Drain{}
	dr.pace = time.NewTicker(d) // want `unstopped-ticker: the ticker in field .Drain.pace. is never stopped`
	return dr
}
