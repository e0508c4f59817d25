package goroutinepos

import "errors"

// An error branch that sends and forgets to return: with an error the helper sends twice, and
// its caller receives once per goroutine.
func report(results chan error, err error) {
	if err != nil {
		results <- err
	}
	results <- nil
}

func runBoth() error {
	results := make(chan error)
	go func() {
		report(results, nil)
	}()
	first := <-results
	go func() {
		report(results, errors.New("disk full")) // want `goroutine-leak: .report. sends on .results. twice when .err != nil. \(line 9, then line 11: the branch sends and does not return\), and .runBoth. receives once per goroutine`
	}()
	second := <-results
	return errors.Join(first, second)
}
