package goroutineneg

import (
	"context"
	"time"
)

type Meta struct{}

func copySnapshot() (*Meta, error) { return &Meta{}, nil }

// The goroutine sends on one of two channels, and the select receives from both: whichever it
// sends on is received (nomad's snapshot inspection, without its early return).
func either() (*Meta, error) {
	errCh := make(chan error)
	metaCh := make(chan *Meta)
	go func() {
		meta, err := copySnapshot()
		if err != nil {
			errCh <- err
		} else {
			metaCh <- meta
		}
	}()
	select {
	case err := <-errCh:
		return nil, err
	case meta := <-metaCh:
		return meta, nil
	}
}

// The send gives up with the receiver.
func guarded(ctx context.Context) *Meta {
	ch := make(chan *Meta)
	go func() {
		m, _ := copySnapshot()
		select {
		case ch <- m:
		case <-ctx.Done():
		}
	}()
	select {
	case m := <-ch:
		return m
	case <-ctx.Done():
		return nil
	}
}

// Buffered: the send never waits.
func buffered(d time.Duration) *Meta {
	ch := make(chan *Meta, 1)
	go func() {
		m, _ := copySnapshot()
		ch <- m
	}()
	select {
	case m := <-ch:
		return m
	case <-time.After(d):
		return nil
	}
}

// Every goroutine is received from: as many receives as sends, in a loop.
func all(n int) []*Meta {
	ch := make(chan *Meta)
	for i := 0; i < n; i++ {
		go func() {
			m, _ := copySnapshot()
			ch <- m
		}()
	}
	var out []*Meta
	for i := 0; i < n; i++ {
		out = append(out, <-ch)
	}
	return out
}

// The channel goes to another function, which may receive: not seen whole here.
func handedOver(d time.Duration) {
	ch := make(chan *Meta)
	go func() {
		m, _ := copySnapshot()
		ch <- m
	}()
	drain(ch)
}

func drain(ch chan *Meta) { <-ch }

// The return comes after the receive: nothing is abandoned.
func returnsAfter() (*Meta, error) {
	ch := make(chan *Meta)
	go func() {
		m, _ := copySnapshot()
		ch <- m
	}()
	m := <-ch
	if m == nil {
		return nil, nil
	}
	return m, nil
}

// A deferred receive drains the channel on every path.
func deferredDrain(d time.Duration) *Meta {
	ch := make(chan *Meta)
	go func() {
		m, _ := copySnapshot()
		ch <- m
	}()
	defer func() { <-ch }()
	return nil
}

// Closed by the goroutine: a receive never blocks, and the shape is another one.
func closes() *Meta {
	ch := make(chan *Meta)
	go func() {
		defer close(ch)
		m, _ := copySnapshot()
		ch <- m
	}()
	return <-ch
}

// The producer closes the channel: the workers' ranges end.
func closedByProducer(items []string) {
	ch := make(chan string)
	go func() {
		for item := range ch {
			_ = item
		}
	}()
	for _, item := range items {
		ch <- item
	}
	close(ch)
}

// The producer never returns: its workers are needed as long as it runs.
func forever(next func() string) {
	ch := make(chan string)
	go func() {
		for item := range ch {
			_ = item
		}
	}()
	for {
		ch <- next()
	}
}

// A channel per iteration whose every case waits for the goroutine: the timeout case receives
// in its body.
func probeDrained(ctx context.Context, stop chan bool) {
	for {
		results := make(chan bool)
		go func() {
			results <- true
			close(results)
		}()
		select {
		case <-results:
		case <-ctx.Done():
			<-results
		}
		select {
		case <-stop:
			return
		default:
		}
	}
}

// Two sends on one path: the double-send shape, not judged by this rule.
func sendsTwice(ctx context.Context) {
	ch := make(chan int)
	go func() {
		ch <- 1
		ch <- 2
	}()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// A goroutine that only closes: the receive returns at once.
func closerOnly(ctx context.Context) {
	ch := make(chan int)
	go func() {
		close(ch)
	}()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}
