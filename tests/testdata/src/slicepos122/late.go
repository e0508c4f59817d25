package slicepos122

import (
	"errors"
	"sort"
	"strconv"
)

var errs []error

func forget(i int) {
	errs = append(errs[:i], errs[i+1:]...) // want `slice-retains: removing from the middle of .errs.`
}

func sorted() []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	sort.Strings(out)
	return append(out, strconv.Itoa(len(out)), errors.New("x").Error())
}
