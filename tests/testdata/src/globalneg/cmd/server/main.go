// Command server adds its codecs, then serves.
package main

import (
	"net/http"

	"leakls.test/globalneg/codec"
	"leakls.test/globalneg/store"
)

func main() {
	codec.AddCodec("gob", nil)
	http.HandleFunc("/", store.Serve)
	if err := http.ListenAndServe("127.0.0.1:0", nil); err != nil {
		panic(err)
	}
}
