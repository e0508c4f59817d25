package goroutinepos

import "context"

// A goroutine waiting for a context whose cancel function, kept in a field, nothing in the
// package can call before the wait ends.

type session struct {
	cancel context.CancelFunc
	ctx    context.Context
}

// Nothing calls abort (nor end, which calls it): the watcher waits for ever.
func open() *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{cancel: cancel, ctx: ctx}
	go s.watch()
	return s
}

func (s *session) watch() {
	<-s.ctx.Done() // want `goroutine-leak: this receive waits for ever: the context is cancelled only by .cancel. \(.context.WithCancel. at line 15, from a context nothing cancels\), and nothing in the package calls it before this wait ends \(.end., .abort. are never called first\)`
}

func (s *session) abort() { s.end() }

func (s *session) end() { s.cancel() }

// The only call of the cancelling method is the waiter's own, after its wait.
type cursor struct {
	cursorStop context.CancelFunc
}

func (c *cursor) startCursor(ctx context.Context) {
	ctx, c.cursorStop = context.WithCancel(ctx)
	go c.awaitCursor(ctx)
}

func (c *cursor) awaitCursor(ctx context.Context) {
	<-ctx.Done() // want `goroutine-leak: this receive waits for ever: the context is cancelled only by .cursorStop.`
	c.finishCursor()
}

func (c *cursor) finishCursor() { c.cursorStop() }

func query() {
	c := &cursor{}
	c.startCursor(context.Background())
}
