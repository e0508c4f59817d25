package goroutineneg

import "errors"

// Double-send shapes that do not leak.

// The branch returns after its send.
func reportOnce(results chan error, err error) {
	if err != nil {
		results <- err
		return
	}
	results <- nil
}

func runOnce() error {
	results := make(chan error)
	go func() {
		reportOnce(results, errors.New("x"))
	}()
	return <-results
}

// Two values on purpose, and two receives for the one goroutine.
func progress(updates chan string, verbose bool) {
	if verbose {
		updates <- "starting"
	}
	updates <- "done"
}

func watch() (string, string) {
	updates := make(chan string)
	go func() {
		progress(updates, true)
	}()
	a := <-updates
	b := <-updates
	return a, b
}

// The receiver drains in a loop.
func drainAll() []string {
	updates := make(chan string)
	go func() {
		progress(updates, true)
		close(updates)
	}()
	var got []string
	for u := range updates {
		got = append(got, u)
	}
	return got
}
