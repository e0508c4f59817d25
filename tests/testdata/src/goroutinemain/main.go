// A command: its timer findings wait for the whole module to be indexed, and that second pass
// once dropped every other finding of the declarations it judged again.
package main

import (
	"fmt"
	"time"
)

func fetch(d time.Duration) (string, bool) {
	ch := make(chan string)
	go func() {
		ch <- expensive() // want `goroutine-leak: this send on the unbuffered channel .ch. blocks for ever when the other case of the select at line 18 can win`
	}()
	select {
	case s := <-ch:
		return s, true
	case <-time.After(d):
		return "", false
	}
}

func expensive() string { return "x" }

func main() {
	for i := 0; i < 3; i++ {
		fmt.Println(fetch(time.Millisecond))
	}
}
