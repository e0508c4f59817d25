package registry

import "testing"

func TestAccept(t *testing.T) {
	visits["warm"] = 1
	_ = Count()
	t.Cleanup(func() {
		delete(visits, "a")
		delete(visits, "warm")
	})
}
