package slicepos122

import (
	"errors"
	"sort"
	"strconv"
)

// errorList lives as long as the Registry that holds it.
type errorList struct{ errs []error }

func (l *errorList) forget(i int) {
	l.errs = append(l.errs[:i], l.errs[i+1:]...) // want `slice-retains: removing from the middle of .l\.errs.`
}

func (l *errorList) sorted() []string {
	var out []string
	for _, e := range l.errs {
		out = append(out, e.Error())
	}
	sort.Strings(out)
	return append(out, strconv.Itoa(len(out)), errors.New("x").Error())
}
