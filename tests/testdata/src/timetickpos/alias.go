package timetickpos

import (
	"fmt"
	clock "time"
)

func aliased(d clock.Duration, done chan struct{}) {
	for t := range clock.Tick(d) { // want `time-tick: the ticker behind time.Tick can never be stopped`
		fmt.Println(t)
		if len(done) > 0 {
			return
		}
	}
}
