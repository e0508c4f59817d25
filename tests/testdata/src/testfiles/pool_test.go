package testfiles

import (
	"testing"
	"time"
)

var seen = map[string]bool{}

func TestTicker(t *testing.T) {
	tk := time.NewTicker(time.Millisecond)
	<-tk.C
}

func TestEvents(t *testing.T) {
	in := make(chan int)
	go func() {
		for i := 0; i < 10; i++ {
			in <- i
		}
	}()
	for n := 0; n < 10; {
		select {
		case v := <-in:
			n++
			seen[t.Name()] = v > 0
		case <-time.After(time.Second):
			t.Fatal("timeout")
		}
	}
}

func TestPop(t *testing.T) {
	p := &Pool{free: []*[]byte{new([]byte), new([]byte)}}
	p.free = p.free[1:]
	if len(p.free) != 1 {
		t.Fatal(len(p.free))
	}
}
