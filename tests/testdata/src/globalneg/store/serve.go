package store

import "net/http"

// Serve puts and resets on every request: every growth in this package repeats, so what keeps
// the tables quiet is what shrinks, bounds or fills them once.
func Serve(w http.ResponseWriter, r *http.Request) {
	it := &Item{Name: r.URL.Path}
	Put(it)
	Reset(it)
	Bounded(w, r)
	_, _ = Get(it.Name)
	_ = Shadow(it.Name)
}
