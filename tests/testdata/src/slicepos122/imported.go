package slicepos122

import (
	"slices"
)

var stack []*node

func dropAt(i int) {
	stack = append(stack[:i], stack[i+1:]...) // want `slice-retains: removing from the middle of .stack.`
}

func has(n *node) bool {
	return slices.Contains(stack, n)
}
