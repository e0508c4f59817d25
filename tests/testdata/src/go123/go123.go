// Go 1.23 collects an unreferenced timer or ticker, stopped or not: none of these leaks, and
// the timer checks say nothing (collected_timers = "hint" shows them: see go123hint).
package go123

import (
	"fmt"
	"time"
)

func ticker(d time.Duration) {
	t := time.NewTicker(d)
	<-t.C
}

func discarded(d time.Duration) {
	time.NewTicker(d)
}

func tick(d time.Duration) {
	c := time.Tick(d)
	<-c
}

func after(in chan int, d time.Duration) {
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case <-time.After(d):
			return
		}
	}
}
