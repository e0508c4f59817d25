package slicepos122

import "leakls.test/slicepos122/other"

// watchList lives as long as the Registry that holds it.
type watchList struct{ watchers []*other.Item }

func (w *watchList) unwatch(i int) {
	w.watchers = append(w.watchers[:i], w.watchers[i+1:]...) // want `slice-retains: removing from the middle of .w\.watchers.`
}
