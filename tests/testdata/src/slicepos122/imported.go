package slicepos122

import (
	"slices"
)

// nodeStack lives as long as the Registry that holds it.
type nodeStack struct{ nodes []*node }

func (s *nodeStack) dropAt(i int) {
	s.nodes = append(s.nodes[:i], s.nodes[i+1:]...) // want `slice-retains: removing from the middle of .s\.nodes.`
}

func (s *nodeStack) has(n *node) bool {
	return slices.Contains(s.nodes, n)
}
