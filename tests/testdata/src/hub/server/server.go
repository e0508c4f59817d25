// Package server grows the shared tables.
package server

import (
	"leakls.test/hub/state"
)

// Connect records a new session.
func Connect(id string) int {
	state.Sessions[id] = &state.Session{ID: id}
	state.Recent = append(state.Recent, state.Sessions[id])
	if len(state.Recent) > 100 {
		state.Recent = state.Recent[1:] // want `slice-retains: re-slicing .state\.Recent. from the front leaves the dropped \*state\.Session`
	}
	return state.Lookup["a"]
}
