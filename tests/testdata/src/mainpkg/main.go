// Package main: func main returns only when the program ends, so what it makes is never leaked.
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.NewTicker(time.Second)
	<-t.C
	c := time.Tick(time.Second)
	<-c
	time.NewTicker(time.Minute)
	for range time.Tick(time.Second) {
		if len(c) > 0 {
			return
		}
		fmt.Println("tick")
	}
}
