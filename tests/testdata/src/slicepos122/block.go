package slicepos122

import (
	"fmt"
	"strings"
	"sync"

	"leakls.test/slicepos122/other"
)

// Registry keeps items, shared between goroutines. Its lists are made with it and only
// shrink.
type Registry struct {
	mu    sync.Mutex
	items other.Items
	names []string
	nodes *nodeSet
	stack *nodeStack
	errs  *errorList
	watch *watchList
}

func (r *Registry) Remove(i int) {
	r.items = append(r.items[:i], r.items[i+1:]...) // want `slice-retains: removing from the middle of .r\.items. with append leaves a stale copy of its last \*other\.Item`
}

func (r *Registry) RemoveRange(i, j int) {
	r.items = append(r.items[:i], r.items[j:]...) // want `slice-retains: removing from the middle of .r\.items. with append leaves stale copies of its last \*other\.Item elements`
}

// Strings hold no pointers worth reporting.
func (r *Registry) RemoveName(i int) {
	r.names = append(r.names[:i], r.names[i+1:]...)
}

func (r *Registry) String() string {
	return fmt.Sprint(strings.Join(r.names, ","))
}
