package registry

import "net/http"

// CountTwin serves a request.
func CountTwin(w http.ResponseWriter, r *http.Request) {
	twins[r.URL.Path]++
}
