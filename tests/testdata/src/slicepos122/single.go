package slicepos122

import "leakls.test/slicepos122/other"

var watchers []*other.Item

func unwatch(i int) {
	watchers = append(watchers[:i], watchers[i+1:]...) // want `slice-retains: removing from the middle of .watchers.`
}
