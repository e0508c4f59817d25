package timetickneg

import (
	"testing"
	"time"
)

// Under go test a leaked ticker dies with the test process.
func TestTick(t *testing.T) {
	for range time.Tick(time.Millisecond) {
		if t.Failed() {
			return
		}
		break
	}
}

func helper(d time.Duration) <-chan time.Time {
	c := time.Tick(d)
	return c
}

func TestHelper(t *testing.T) {
	<-helper(time.Millisecond)
}
