package tickerpos

import (
	"fmt"
	"time"
)

func shortVar(d time.Duration) {
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped: before Go 1.23 the runtime never frees an unstopped ticker`
	<-t.C
}

func varDecl(d time.Duration) {
	var t = time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func varTyped(d time.Duration) {
	var t *time.Ticker = time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func declaredThenAssigned(d time.Duration) {
	var t *time.Ticker
	t = time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func inGoroutine(d time.Duration, done chan struct{}) {
	go func() {
		t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
		for {
			select {
			case <-t.C:
				fmt.Println("tick")
			case <-done:
				return
			}
		}
	}()
}

// The outer function never returns, but the goroutine's literal does: judged inside it.
func goroutinePerIteration(d time.Duration, work chan int) {
	for {
		n := <-work
		go func() {
			t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
			<-t.C
			fmt.Println(n)
		}()
	}
}

// Never returns, but every iteration makes a ticker: each one leaks.
func perIteration(d time.Duration, work chan int) {
	for {
		n := <-work
		t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
		<-t.C
		fmt.Println(n)
	}
}

func perIterationRange(d time.Duration, jobs []int) {
	for _, j := range jobs {
		t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
		<-t.C
		fmt.Println(j)
	}
}

// A loop body that can skip its end gets no fix: a Stop at the end would not always run.
func perIterationWithContinue(d time.Duration, jobs []int) {
	for _, j := range jobs {
		t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
		if j < 0 {
			continue
		}
		<-t.C
	}
}

func discarded(d time.Duration) {
	time.NewTicker(d) // want `unstopped-ticker: the ticker from NewTicker is discarded, so nothing can stop it`
}

func blank(d time.Duration) {
	_ = time.NewTicker(d) // want `unstopped-ticker: the ticker from NewTicker is discarded`
}

func channelOnly(d time.Duration) {
	c := time.NewTicker(d).C // want `unstopped-ticker: only the channel of this ticker is kept, so nothing can stop it`
	<-c
}

// A closure reads the ticker and may outlive the function: reported, but no automatic fix.
func usedByClosure(d time.Duration) {
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	go func() {
		for range t.C {
			fmt.Println("tick")
		}
	}()
}

// The ticker lives in the if header: there is no line to put a defer after.
func ifHeader(d time.Duration, ok bool) {
	if t := time.NewTicker(d); ok { // want `unstopped-ticker: ticker .t. is never stopped`
		<-t.C
	}
}

func trailingComment(d time.Duration) {
	t := time.NewTicker(d) // heartbeat // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func resetIsNotStop(d time.Duration) {
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	t.Reset(2 * d)
	if t != nil {
		<-t.C
	}
}

func twoTickers(d time.Duration) {
	a := time.NewTicker(d) // want `unstopped-ticker: ticker .a. is never stopped`
	b := time.NewTicker(d) // want `unstopped-ticker: ticker .b. is never stopped`
	select {
	case <-a.C:
	case <-b.C:
	}
}

func groupedVar(d time.Duration) {
	var (
		n = 1
		t = time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	)
	<-t.C
	fmt.Println(n)
}

func multiVar(d time.Duration) {
	var n, t = 1, time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
	fmt.Println(n)
}

func multiLine(d time.Duration) {
	t := time.NewTicker( // want `unstopped-ticker: ticker .t. is never stopped`
		d,
	)
	<-t.C
}

// Made twice: each deferred Stop stops the ticker t held when the defer ran.
func madeTwice(d time.Duration) {
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
	t = time.NewTicker(2 * d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func inCaseClause(d time.Duration, mode int) {
	switch mode {
	case 1:
		t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
		<-t.C
	}
}

// The iteration ends with a select: the Stop goes after it.
func perIterationSelect(d time.Duration, work chan int) {
	for {
		t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
		select {
		case <-t.C:
		case n := <-work:
			fmt.Println(n)
		}
	}
}

// The iteration never ends: no Stop at its end could run.
func perIterationEndless(d time.Duration) {
	for {
		t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
		for range t.C {
			fmt.Println("tick")
		}
	}
}
