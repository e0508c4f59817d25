package slicepos122

type node struct{ next *node }

// nodeSet lives as long as the Registry that holds it.
type nodeSet struct{ free []*node }

func (s *nodeSet) release(i int) {
	s.free = append(s.free[:i], s.free[i+1:]...) // want `slice-retains: removing from the middle of .s\.free.`
}
