// Command once runs and exits: a ticker made once per program is no leak (staticcheck skips
// time.Tick in main-like packages for the same reason).
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println(wait(time.Second), poll(time.Second))
}

// wait runs once, from main.
func wait(d time.Duration) bool {
	t := time.NewTicker(d)
	<-t.C
	return true
}

// poll runs once, from main.
func poll(d time.Duration) int {
	c := time.Tick(d)
	<-c
	return 1
}
