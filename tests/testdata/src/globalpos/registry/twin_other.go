//go:build !linux

package registry

var twins = map[string]int{}
