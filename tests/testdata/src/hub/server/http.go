package server

import "net/http"

// HandleConnect connects the session a request names.
func HandleConnect(w http.ResponseWriter, r *http.Request) {
	Connect(r.URL.Query().Get("id"))
}
