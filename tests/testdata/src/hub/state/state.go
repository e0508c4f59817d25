// Package state holds the hub's shared tables.
package state

// Session is one client's state.
type Session struct {
	ID   string
	Data map[string]string
}

// Sessions is grown by the server package and never shrunk.
var Sessions = map[string]*Session{} // want `global-growth: package-level map .Sessions. only grows: ../server/server.go:\d+ adds to it on every request \(handler .HandleConnect. → .Connect.\), and nothing in the module removes from it`

// Drivers is filled once at start-up.
var Drivers = map[string]int{}

// Lookup is only read.
var Lookup = map[string]int{"a": 1}

// Recent is trimmed by the server.
var Recent []*Session

func init() {
	Drivers["default"] = 1
}

// RegisterDriver fills the table once per driver.
func RegisterDriver(name string) {
	Drivers[name] = len(Drivers)
}
