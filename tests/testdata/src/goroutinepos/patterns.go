package goroutinepos

import (
	"context"
	"errors"
	"time"
)

type Page struct{ Body []byte }

func download(url string) *Page { return &Page{} }

// Timeout: the context's case wins, and the download's send waits for ever. One send, last in
// the goroutine: buffered to 1.
func fetch(ctx context.Context, url string) (*Page, error) {
	ch := make(chan *Page)
	go func() {
		ch <- download(url) // want `goroutine-leak: this send on the unbuffered channel .ch. blocks for ever when the other case of the select at line 23 can win`
	}()
	select {
	case p := <-ch:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A select with a default: the receive is tried once.
func poll(url string) *Page {
	ch := make(chan *Page, 0)
	go func() {
		ch <- download(url) // want `goroutine-leak: .* when the other case of the select at line 37 can win`
	}()
	select {
	case p := <-ch:
		return p
	default:
		return nil
	}
}

var errBadURL = errors.New("bad url")

// Early return: an error path between the go statement and the receive. The goroutine logs
// after its send, so a buffer would let it run ahead: no fix.
func earlyReturn(url string) (*Page, error) {
	ch := make(chan *Page)
	go func() {
		ch <- download(url) // want `goroutine-leak: .* when .earlyReturn. can return at line 53 before it receives from .ch.`
		println("sent")
	}()
	if url == "" {
		return nil, errBadURL
	}
	return <-ch, nil
}

// N-cast: the first answer wins; the other goroutines block.
func first(urls []string) *Page {
	ch := make(chan *Page)
	for _, u := range urls {
		go func() {
			ch <- download(u) // want `goroutine-leak: .* a goroutine is started on every iteration of the loop and .first. receives once \(line 66\)`
		}()
	}
	return <-ch // want `goroutine-leak: this receive from .ch. blocks for ever when .urls. is empty: the loop at line 61 then starts no goroutine to send`
}

// A timer as the rival.
func withTimeout(url string, d time.Duration) *Page {
	ch := make(chan *Page)
	go func() {
		ch <- download(url) // want `goroutine-leak: .* when the other case of the select at line 78 can win`
	}()
	select {
	case p := <-ch:
		return p
	case <-time.After(d):
		return nil
	}
}

// No close: the workers range over a channel nothing closes; once process returns they wait
// for ever. Each range is its worker's last statement: closing on return is offered.
func process(items []string, workers int) {
	ch := make(chan string)
	for i := 0; i < workers; i++ {
		go func() {
			for item := range ch { // want `goroutine-leak: nothing closes the channel .ch.: once .process. has sent its last value and returned, this range waits for ever`
				_ = download(item)
			}
		}()
	}
	for _, item := range items {
		ch <- item // want `goroutine-leak: this send on the unbuffered channel .ch. blocks for ever when .workers. is 0: the loop at line 87 then starts no worker`
	}
}

// N-cast again, but the function rules the empty case out first: the one receive is answered.
func firstOfSome(urls []string) *Page {
	if len(urls) == 0 {
		return nil
	}
	ch := make(chan *Page)
	for _, u := range urls {
		go func() {
			ch <- download(u) // want `goroutine-leak: .* a goroutine is started on every iteration of the loop`
		}()
	}
	return <-ch
}

// The number of workers is a constant: the loop always starts some.
func processFixed(items []string) {
	const workers = 4
	ch := make(chan string)
	for i := 0; i < workers; i++ {
		go func() {
			for item := range ch { // want `goroutine-leak: nothing closes the channel .ch.`
				_ = download(item)
			}
		}()
	}
	for _, item := range items {
		ch <- item
	}
}
