package store

import "testing"

func TestGrow(t *testing.T) {
	testOnly["x"] = 1
	Put(&Item{Name: "x"})
	if len(testOnly) != 1 {
		t.Fatal("not grown")
	}
}

// A test's cleanup does not cure a production leak, and is no growth either.
func TestCleanup(t *testing.T) {
	t.Cleanup(func() { delete(testOnly, "x") })
}
