package timetickpos

import (
	"fmt"
	"time"
)

func rangeTick(d time.Duration, done chan struct{}) {
	for range time.Tick(d) { // want `time-tick: the ticker behind time.Tick can never be stopped: before Go 1.23 it is never freed, so every call of this function leaks one`
		select {
		case <-done:
			return
		default:
		}
		fmt.Println("tick")
	}
}

func rangeTickWithValue(d time.Duration, n int) {
	for now := range time.Tick(d) { // want `time-tick: the ticker behind time.Tick can never be stopped`
		fmt.Println(now)
		n--
		if n == 0 {
			break
		}
	}
}

func assigned(d time.Duration) {
	c := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	<-c
}

func nameTaken(d time.Duration, ticker string) {
	c := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	<-c
	fmt.Println(ticker)
}

func twoInOneFunction(d time.Duration) {
	fast := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	fmt.Println("two tickers")
	slow := time.Tick(10 * d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	select {
	case <-fast:
	case <-slow:
	}
}

func labeled(d time.Duration, n int) {
outer:
	for range time.Tick(d) { // want `time-tick: the ticker behind time.Tick can never be stopped`
		for i := 0; i < n; i++ {
			if i == 3 {
				break outer
			}
		}
	}
}

// In a loop each iteration makes one: reported, but a deferred Stop per iteration would pile up.
func inLoop(d time.Duration, done chan struct{}) {
	for {
		select {
		case <-time.Tick(d): // want `time-tick: the ticker behind time.Tick can never be stopped: before Go 1.23 it is never freed, so every iteration leaks one`
			fmt.Println("tick")
		case <-done:
			return
		}
	}
}

// Not a statement the fix can rewrite: reported without a fix.
func asArgument(d time.Duration) {
	wait(time.Tick(d)) // want `time-tick: the ticker behind time.Tick can never be stopped`
}

func wait(c <-chan time.Time) { <-c }

// The fix must not shadow a type that the function names further down.
type ticker struct{ n int }

func typeNamedTicker(d time.Duration) ticker {
	c := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	<-c
	var t ticker
	return t
}

func assignedToLocal(d time.Duration) {
	var c <-chan time.Time
	c = time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	select {
	case now := <-c:
		fmt.Println(now)
	}
}

func blankAssigned(d time.Duration) {
	_ = time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
}

// The channel outlives the function (returned, stored, read by a goroutine): a deferred Stop
// would silence it, so these are reported without a fix.
func returnsChannel(d time.Duration) <-chan time.Time {
	c := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	return c
}

var heartbeat <-chan time.Time

func storesGlobal(d time.Duration) {
	heartbeat = time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
}

type beater struct{ c <-chan time.Time }

func (b *beater) storesField(d time.Duration) {
	b.c = time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
}

func readByGoroutine(d time.Duration) {
	c := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	go func() {
		for now := range c {
			fmt.Println(now)
		}
	}()
}

func passedOn(d time.Duration) {
	c := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
	wait(c)
}

func returnedDirectly(d time.Duration) <-chan time.Time {
	return time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped`
}
