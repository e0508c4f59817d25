package timetickneg

import (
	"fmt"
	"time"
)

// Made once for the life of the program.
var tick = time.Tick(time.Second)

var _ = tick

// These functions never return: the ticker lives as long as the program does.
func rangeForever(d time.Duration) {
	for range time.Tick(d) {
		fmt.Println("tick")
	}
}

func receiveForever(d time.Duration) {
	c := time.Tick(d)
	for {
		<-c
		fmt.Println("tick")
	}
}

func goroutineForever(d time.Duration) {
	go func() {
		for now := range time.Tick(d) {
			fmt.Println(now)
		}
	}()
}

// A Tick method on a value is not the time package's.
type metronome struct{ c chan time.Time }

func (m metronome) Tick(time.Duration) <-chan time.Time { return m.c }

func methodOnValue(x metronome, d time.Duration) {
	c := x.Tick(d)
	<-c
}

type band struct{ m metronome }

func methodOnField(b band, d time.Duration) {
	for range b.m.Tick(d) {
		return
	}
}

// Already a stoppable ticker.
func newTicker(d time.Duration) {
	ticker := time.NewTicker(d)
	defer ticker.Stop()
	for range ticker.C {
		return
	}
}

// init runs once per program: its ticker lives as long as the program anyway.
var initTick <-chan time.Time

func init() {
	initTick = time.Tick(time.Minute)
	if initTick == nil {
		return
	}
}
