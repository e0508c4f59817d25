// `godebug asynctimerchan=0` gives a Go 1.22 module the timers of Go 1.23, which the runtime
// collects: none of these leaks, and the timer checks say nothing.
package go122async

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
