package afterpos

import (
	"fmt"
	. "time"
)

func dotted(in chan int, d Duration) {
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case <-After(d): // want `after-in-loop`
			return
		}
	}
}
