package ticker

import (
	"fmt"
	"time"
)

type conn struct{ done chan struct{} }

func (c *conn) heartbeat(d time.Duration) {
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped: before Go 1.23`
	for {
		select {
		case <-t.C:
			fmt.Println("ping")
		case <-c.done:
			return
		}
	}
}

func stoppedByDefer(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	<-t.C
}

func stoppedInClosure(c *conn, d time.Duration) {
	ticker := time.NewTicker(d)
	defer func() {
		ticker.Stop()
		close(c.done)
	}()
	<-ticker.C
}

func returned(d time.Duration) *time.Ticker {
	t := time.NewTicker(d)
	return t
}

func neverReturns(d time.Duration) {
	t := time.NewTicker(d)
	for range t.C {
		fmt.Println("tick")
	}
}

func laterAssigned(d time.Duration) {
	var t *time.Ticker
	t = time.NewTicker(d) // want `unstopped-ticker`
	<-t.C
}

func discarded(d time.Duration) {
	time.NewTicker(d) // want `unstopped-ticker: the ticker from NewTicker is discarded`
}

func tick(d time.Duration) {
	for range time.Tick(d) { // want `time-tick: the ticker behind time.Tick can never be stopped`
		if d > 0 {
			return
		}
	}
}

func after(in chan int) {
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case <-time.After(time.Second): // want `after-in-loop`
			return
		}
	}
}
