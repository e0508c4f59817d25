package goroutineneg

import (
	"context"
	"time"
)

// Contexts whose cancel someone can call, or whose parent someone cancels.

type conn struct {
	connCancel context.CancelFunc
	connCtx    context.Context
}

func dial() *conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{connCancel: cancel, connCtx: ctx}
	go c.watch()
	return c
}

func (c *conn) watch() { <-c.connCtx.Done() }

func (c *conn) shut() { c.connCancel() }

func useConn() {
	c := dial()
	defer c.shut() // called: the watcher is released
}

// The parent comes from callers, and one passes a context it cancels.
type rows struct {
	rowsStop context.CancelFunc
}

func (r *rows) begin(ctx context.Context) {
	ctx, r.rowsStop = context.WithCancel(ctx)
	go r.await(ctx)
}

func (r *rows) await(ctx context.Context) {
	<-ctx.Done()
	r.end()
}

func (r *rows) end() { r.rowsStop() }

func scan(parent context.Context) {
	r := &rows{}
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	r.begin(ctx)
}

// An exported method may cancel it from another package.
type Job struct {
	jobCancel context.CancelFunc
	jobCtx    context.Context
}

func newJob() *Job {
	ctx, cancel := context.WithCancel(context.Background())
	j := &Job{jobCancel: cancel, jobCtx: ctx}
	go j.run()
	return j
}

func (j *Job) run() { <-j.jobCtx.Done() }

func (j *Job) Cancel() { j.jobCancel() }
