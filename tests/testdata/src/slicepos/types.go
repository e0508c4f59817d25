package slicepos

import (
	"sync"

	"leakls.test/slicepos/jobs"
	"leakls.test/slicepos/pq"
)

// Conn is a connection; its element type is declared here and used in queue.go.
type Conn struct {
	id   int
	name string
	peer *Conn
}

type connList []*Conn

// Entry is a struct that holds pointers through a nested struct.
type Entry struct {
	key  int
	meta meta
}

type meta struct {
	note *string
}

// Hub keeps its connections in a named slice type from this file. Its mutex says it is shared
// between goroutines: it outlives the calls that drop its elements.
type Hub struct {
	mu    sync.Mutex
	conns connList
	jobs  []jobs.Job
	batch jobs.Batch
	any   []any
	errs  []error
	fns   []func()
	subs  []chan int
	maps  []map[string]int
	inner *Hub
	// deferred is a heap from another package, shared through the Hub.
	deferred pq.Queue
}
