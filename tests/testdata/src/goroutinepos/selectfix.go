package goroutinepos

import (
	"context"
	"sync"
)

// The goroutine defers its bookkeeping, so buffering would run it before the caller has the
// page; a select with the caller's own wait keeps the order and ends the goroutine.
func fetchCounted(ctx context.Context, url string, inFlight *sync.WaitGroup) (*Page, error) {
	ch := make(chan *Page)
	inFlight.Add(1)
	go func() {
		defer inFlight.Done()
		ch <- download(url) // want `goroutine-leak: this send on the unbuffered channel .ch. blocks for ever when the other case of the select at line 20 can win`
	}()
	select {
	case p := <-ch:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
