// Command tool runs and exits: what its tables hold is freed when it does.
package main

import (
	"bufio"
	"fmt"
	"os"
)

var (
	seen  = map[string]bool{}
	lines []string
)

func main() {
	for _, a := range os.Args[1:] {
		seen[a] = true
	}
	s := bufio.NewScanner(os.Stdin)
	for s.Scan() {
		lines = append(lines, s.Text())
	}
	fmt.Println(len(seen), len(lines))
}
