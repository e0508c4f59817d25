package go124async

import (
	"fmt"
	"time"
)

func ticker(d time.Duration) {
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped: before Go 1.23 the runtime never frees an unstopped ticker`
	<-t.C
}

func discarded(d time.Duration) {
	time.NewTicker(d) // want `unstopped-ticker: the ticker from NewTicker is discarded, so nothing can stop it: before Go 1.23 the runtime never frees an unstopped ticker`
}

func tick(d time.Duration) {
	c := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped: before Go 1.23 it is never freed, so every call of this function leaks one`
	<-c
}

func after(in chan int, d time.Duration) {
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case <-time.After(d): // want `after-in-loop: time.After in a loop starts a new timer on every iteration and abandons it each time .v := <-in. wins and the loop goes on: before Go 1.23 each abandoned timer stays in memory until it fires`
			return
		}
	}
}
