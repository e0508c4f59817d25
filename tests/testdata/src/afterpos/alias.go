package afterpos

import (
	"fmt"
	tm "time"
)

func aliased(in chan int, d tm.Duration) {
	for {
		select {
		case v := <-in:
			fmt.Println(v)
		case <-tm.After(d): // want `after-in-loop`
			return
		}
	}
}
