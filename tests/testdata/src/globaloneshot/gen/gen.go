//go:build ignore

// This program generates tables.go (go run gen.go): it is not part of package gen, and its
// tables live as long as one run.
package main

import (
	"fmt"
	"net/http"
)

var names = map[string]int{}

func main() {
	http.HandleFunc("/", preview)
	fmt.Println(http.ListenAndServe("127.0.0.1:0", nil))
}

// preview shows the tables while they are edited.
func preview(w http.ResponseWriter, r *http.Request) {
	names[r.URL.Path]++
}
