package slicepos122

type node struct{ next *node }

var free []*node

func release(i int) {
	free = append(free[:i], free[i+1:]...) // want `slice-retains: removing from the middle of .free.`
}
