package goroutineneg

import "context"

// The six LeakProf patterns of Go's leak-profile test program, each written the way that does
// not leak: none may be reported.

// No close range, fixed: the producer closes the channel, so the workers' ranges end (and with
// no worker the producer does not send).
func rangeClosed(list []any, workers int) {
	if workers == 0 {
		return
	}
	ch := make(chan any)
	defer close(ch)
	for i := 0; i < workers; i++ {
		go func() {
			for item := range ch {
				_ = item
			}
		}()
	}
	for _, item := range list {
		ch <- item
	}
}

// Method contract, kept: whoever starts the worker stops it.
type queueWorker struct {
	ch   chan any
	done chan any
}

func (w queueWorker) Start() {
	go func() {
		for {
			select {
			case <-w.ch:
			case <-w.done:
				return
			}
		}
	}()
}

func (w queueWorker) Stop() { close(w.done) }

func (w queueWorker) Add(item any) { w.ch <- item }

func lifecycle(items []any) {
	w := queueWorker{ch: make(chan any), done: make(chan any)}
	w.Start()
	defer w.Stop()
	for _, item := range items {
		w.Add(item)
	}
}

// Double send, fixed: the error path returns after its send.
func sendOnce(ch chan any, err error) {
	if err != nil {
		ch <- nil
		return
	}
	ch <- struct{}{}
}

func askOnce(err error) any {
	ch := make(chan any)
	go func() {
		sendOnce(ch, err)
	}()
	return <-ch
}

// Early return, fixed: the one send has room.
func earlyReturnBuffered(err error) {
	ch := make(chan any, 1)
	go func() {
		ch <- struct{}{}
	}()
	if err != nil {
		return
	}
	<-ch
}

// N-cast, fixed: room for every answer.
func firstAnswer(items []any) any {
	if len(items) == 0 {
		return nil
	}
	ch := make(chan any, len(items))
	for range items {
		go func() {
			ch <- struct{}{}
		}()
	}
	return <-ch
}

// Timeout, fixed: the send gives up with the caller.
func timeoutGivesUp(ctx context.Context) {
	ch := make(chan any)
	go func() {
		select {
		case ch <- struct{}{}:
		case <-ctx.Done():
		}
	}()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}
