package go123hint

import (
	"fmt"
	"time"
)

func ticker(d time.Duration) {
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped: since Go 1.23 the runtime collects it once unreferenced, but Stop releases it at once`
	<-t.C
}

func discarded(d time.Duration) {
	time.NewTicker(d) // want `unstopped-ticker: the ticker from NewTicker is discarded, so nothing can stop it: since Go 1.23 the runtime collects it once unreferenced, but it fires until then`
}

func tick(d time.Duration) {
	c := time.Tick(d) // want `time-tick: the ticker behind time.Tick can never be stopped: since Go 1.23 the runtime collects it once unreferenced, but it keeps firing until then`
	<-c
}

func after(in chan int, d time.Duration) {
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case <-time.After(d): // want `after-in-loop: time.After in a loop starts a new timer on every iteration and abandons it each time .v := <-in. wins and the loop goes on: since Go 1.23 an abandoned timer is collected`
			return
		}
	}
}
