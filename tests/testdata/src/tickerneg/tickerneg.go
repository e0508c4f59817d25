package tickerneg

import (
	"fmt"
	"io"
	"time"
)

func deferred(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	<-t.C
}

func stoppedLater(d time.Duration) {
	t := time.NewTicker(d)
	<-t.C
	t.Stop()
}

func stoppedInDeferredClosure(conn io.Closer, d time.Duration) {
	ticker := time.NewTicker(d)
	defer func() {
		ticker.Stop()
		conn.Close()
	}()
	<-ticker.C
}

func cleanup(stop func()) { stop() }

func methodValueDeferred(d time.Duration) {
	t := time.NewTicker(d)
	defer cleanup(t.Stop)
	<-t.C
}

func methodValueStored(d time.Duration) {
	t := time.NewTicker(d)
	stop := t.Stop
	<-t.C
	stop()
}

func returned(d time.Duration) *time.Ticker {
	t := time.NewTicker(d)
	return t
}

func returnedWithError(d time.Duration) (*time.Ticker, error) {
	t := time.NewTicker(d)
	return t, nil
}

func returnedDirectly(d time.Duration) *time.Ticker {
	return time.NewTicker(d)
}

func consume(t *time.Ticker) { t.Stop() }

func passed(d time.Duration) {
	t := time.NewTicker(d)
	consume(t)
}

func passedDirectly(d time.Duration) {
	consume(time.NewTicker(d))
}

type poller struct {
	t *time.Ticker
}

func (p *poller) storedInField(d time.Duration) {
	t := time.NewTicker(d)
	p.t = t
}

func (p *poller) assignedToField(d time.Duration) {
	p.t = time.NewTicker(d)
}

// Close stops the field's ticker, so the field is not reported either.
func (p *poller) Close() {
	if p.t != nil {
		p.t.Stop()
	}
}

func storedInMap(m map[string]*time.Ticker, d time.Duration) {
	t := time.NewTicker(d)
	m["x"] = t
}

func appended(list []*time.Ticker, d time.Duration) []*time.Ticker {
	t := time.NewTicker(d)
	list = append(list, t)
	return list
}

func sent(ch chan *time.Ticker, d time.Duration) {
	t := time.NewTicker(d)
	ch <- t
}

func compositeLiteral(d time.Duration) *poller {
	t := time.NewTicker(d)
	return &poller{t: t}
}

func sliceLiteral(d time.Duration) []*time.Ticker {
	t := time.NewTicker(d)
	return []*time.Ticker{t}
}

func copied(d time.Duration) {
	t := time.NewTicker(d)
	u := t
	defer u.Stop()
	<-u.C
}

func addressTaken(d time.Duration) **time.Ticker {
	t := time.NewTicker(d)
	return &t
}

func capturedAndStopped(d time.Duration) {
	t := time.NewTicker(d)
	stop := func() { t.Stop() }
	defer stop()
	<-t.C
}

// A type of this package with a NewTicker method is not the time package.
type fakeClock struct{ c chan time.Time }

type fakeTicker struct{ C chan time.Time }

func (f fakeClock) NewTicker(time.Duration) *fakeTicker { return &fakeTicker{C: f.c} }

func localClock(clock fakeClock, d time.Duration) {
	t := clock.NewTicker(d)
	<-t.C
}

type service struct{ clock fakeClock }

func (s *service) fieldClock(d time.Duration) {
	t := s.clock.NewTicker(d)
	<-t.C
}

// A package-level ticker assigned in a function: someone else's to stop.
var globalTicker *time.Ticker

func startGlobal(d time.Duration) {
	globalTicker = time.NewTicker(d)
}

// These functions never return: their ticker lives as long as the program.
func selectForever(d time.Duration) {
	t := time.NewTicker(d)
	for {
		select {
		case <-t.C:
			fmt.Println("tick")
		}
	}
}

func rangeForever(d time.Duration) {
	t := time.NewTicker(d)
	for range t.C {
		fmt.Println("tick")
	}
}

func goroutineForever(d time.Duration) {
	go func() {
		t := time.NewTicker(d)
		for range t.C {
			fmt.Println("tick")
		}
	}()
}

func panics(d time.Duration) {
	t := time.NewTicker(d)
	<-t.C
	panic("done")
}

// The loop-body fix case, already fixed.
func perIterationStopped(d time.Duration, jobs []int) {
	for _, j := range jobs {
		t := time.NewTicker(d)
		<-t.C
		fmt.Println(j)
		t.Stop()
	}
}

// Package level: one ticker for the life of the program.
var packageTicker = time.NewTicker(time.Second)

var packageChannel = time.NewTicker(time.Second).C

// A break inside a select leaves the select, not the loop: this never returns.
func breakLeavesSelect(d time.Duration, in chan int) {
	t := time.NewTicker(d)
	for {
		select {
		case <-t.C:
			break
		case v := <-in:
			fmt.Println(v)
		}
	}
}
