package store

import (
	"net/http"
	"reflect"
	"sync"
)

// Kind is an enumerated type: the package declares its values.
type Kind int

const (
	KindGet Kind = iota
	KindPut
)

const modeKey = "mode"

var (
	// byType, typeCache and typeInfo are keyed by type: as many entries as types in the program.
	byType    = map[reflect.Type]*Item{}
	typeCache sync.Map
	typeInfo  sync.Map
	// byKind is keyed by an enumerated type, flags by a bool.
	byKind = map[Kind]int{}
	flags  = map[bool]int{}
	// config and methods have constant keys: a literal, a constant, another package's name.
	config  = map[string]string{}
	methods = map[string]int{}
	// capped stops growing at a limit.
	capped = map[string]*Item{}
	// onceTable is filled under sync.Once.
	onceTable = map[string]int{}
	once      sync.Once
)

// Bounded grows tables on every request, but each has a bounded number of keys.
func Bounded(w http.ResponseWriter, r *http.Request) {
	byType[reflect.TypeOf(r)] = nil
	typeCache.Store(reflect.TypeOf(w), true)
	describe(reflect.TypeOf(r.Body))
	byKind[kindOf(r)]++
	byKind[KindPut]++
	flags[r.Method == http.MethodGet]++
	config["mode"] = r.URL.Query().Get("mode")
	config[modeKey] = r.URL.Query().Get("mode")
	methods[http.MethodGet]++
	if len(capped) < 1000 {
		capped[r.URL.Path] = &Item{Name: r.URL.Path}
	}
	once.Do(func() {
		onceTable[r.URL.Path] = 1
	})
}

func describe(t reflect.Type) {
	typeInfo.Store(t, t.String())
}

func kindOf(r *http.Request) Kind {
	if r.Method == http.MethodGet {
		return KindGet
	}
	return KindPut
}
