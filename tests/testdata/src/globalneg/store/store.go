// Package store has tables that are grown but also shrunk, reset or handed over: none leaks
// for certain, so none is reported.
package store

import (
	"errors"
	"expvar"
	"regexp"
	"sync"
)

// Item is a stored value.
type Item struct{ Name string }

// table is a named map type.
type table map[string]*Item

var (
	// Pruned is grown here and pruned by package cleanup.
	Pruned = map[string]*Item{}
	// Flushed is grown here and cleared by package cleanup under another name.
	Flushed = table{}
	// Dropped is grown in this package and pruned in another file of it.
	Dropped = map[string]*Item{}

	cleared  = map[string]*Item{}
	resliced []*Item
	shifted  []*Item
	nilled   = map[string]*Item{}
	remade   = make(map[string]*Item)
	relit    = map[string]*Item{}
	emptied  []*Item

	deleted       sync.Map
	loadDeleted   sync.Map
	swapped       = &sync.Map{}
	compareDelete = new(sync.Map)

	// initOnly is filled in init.
	initOnly = map[string]int{}
	// drivers is filled by RegisterDriver and registerBuiltin.
	drivers = map[string]func() *Item{}
	// plugins is filled once, from a package-level initializer.
	plugins = map[string]int{}

	// lookup is a read-only table.
	lookup = map[string]int{"a": 1, "b": 2}
	// names is a read-only slice.
	names = []string{"a", "b"}
	// pattern and the sentinels are never containers that grow.
	pattern     = regexp.MustCompile(`^[a-z]+$`)
	ErrNotFound = errors.New("store: not found")
	ErrFull     = errors.New("store: full")
	requests    = expvar.NewInt("requests")

	// shadowed is never written: the functions below write locals of the same name.
	shadowed = map[string]int{}

	// testOnly is grown only by a test.
	testOnly = map[string]int{}

	// pending is handed to a cleanup function, which may empty it.
	pending []*Item
	// byName is handed to a function that may delete from it.
	byName = map[string]*Item{}
	// escaped has its address taken.
	escaped = map[string]*Item{}
	// aliased is copied to another variable, which may be reset.
	aliased = map[string]*Item{}
	// returned is handed out by a getter.
	returned = map[string]*Item{}
)

var _ = func() bool {
	plugins["builtin"] = 1
	return true
}()

func init() {
	initOnly["a"] = 1
	initOnly["b"] = 2
}

// RegisterDriver adds a driver at start-up.
func RegisterDriver(name string, f func() *Item) { drivers[name] = f }

func registerBuiltin() { drivers["builtin"] = func() *Item { return nil } }

// Put grows every table.
func Put(it *Item) {
	Pruned[it.Name] = it
	Flushed[it.Name] = it
	Dropped[it.Name] = it
	cleared[it.Name] = it
	resliced = append(resliced, it)
	shifted = append(shifted, it)
	nilled[it.Name] = it
	remade[it.Name] = it
	relit[it.Name] = it
	emptied = append(emptied, it)
	deleted.Store(it.Name, it)
	loadDeleted.Store(it.Name, it)
	swapped.LoadOrStore(it.Name, it)
	compareDelete.Store(it.Name, it)
	pending = append(pending, it)
	byName[it.Name] = it
	escaped[it.Name] = it
	aliased[it.Name] = it
	returned[it.Name] = it
	requests.Add(1)
	registerBuiltin()
}

// Reset shrinks, truncates, replaces or empties each table.
func Reset(it *Item) {
	clear(cleared)
	resliced = resliced[:0]

	shifted = shifted[1:] // want `slice-retains: re-slicing .shifted. from the front`
	nilled = nil
	remade = make(map[string]*Item)
	relit = map[string]*Item{}
	emptied = nil
	deleted.Delete(it.Name)
	loadDeleted.LoadAndDelete(it.Name)
	swapped.Swap(it.Name, nil)
	compareDelete.CompareAndDelete(it.Name, it)
	flush(pending)
	forget(byName, it.Name)
	keep(&escaped)
	other := aliased
	_ = other
}

// Returned hands the table out.
func Returned() map[string]*Item { return returned }

func flush(items []*Item) {
	for i := range items {
		items[i] = nil
	}
}

func forget(m map[string]*Item, name string) { delete(m, name) }

func keep(m *map[string]*Item) { *m = nil }

// Get reads the read-only tables.
func Get(name string) (int, error) {
	if !pattern.MatchString(name) {
		return 0, ErrNotFound
	}
	if len(names) == 0 {
		return 0, ErrFull
	}
	return lookup[name] + initOnly[name], nil
}

// Shadow grows locals named like the global.
func Shadow(key string) map[string]int {
	shadowed := map[string]int{}
	shadowed[key] = 1
	return shadowed
}

// ShadowParam grows a parameter named like the global.
func ShadowParam(shadowed map[string]int, key string) {
	shadowed[key]++
}

// ShadowRange grows a range variable named like the global.
func ShadowRange(all []map[string]int) {
	for _, shadowed := range all {
		shadowed["x"] = 1
	}
}
