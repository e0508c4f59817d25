// A module that Go 1.27 or later builds (its toolchain line says so) collects timers whatever
// its go line: none of these leaks, and the timer checks say nothing.
package go127toolchain

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
