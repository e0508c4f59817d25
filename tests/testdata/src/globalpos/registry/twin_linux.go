//go:build linux

package registry

// twins is declared once per platform: one finding, on the file that sorts first.
var twins = map[string]int{} // want `global-growth: package-level map .twins. only grows: twins.go:\d+ adds to it on every request`
