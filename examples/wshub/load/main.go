// Command load drives a wshub server: it opens connections in waves, holds every connection of
// a wave open at once, closes them all, and after each wave asks the server for a heap sample
// (GET /sample). It stops by itself after -conns connections, and fails after -timeout.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "", "server address, host:port")
	addrFile := flag.String("addrfile", "", "read the server address from this file instead")
	total := flag.Int("conns", 20000, "connections to open and close in all")
	wave := flag.Int("wave", 1000, "connections open at once")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	quit := flag.Bool("quit", true, "stop the server (GET /quit) at the end")
	flag.Parse()
	log.SetFlags(0)

	if *addrFile != "" {
		b, err := os.ReadFile(*addrFile)
		if err != nil {
			log.Fatal(err)
		}
		*addr = strings.TrimSpace(string(b))
	}
	if *addr == "" || *wave < 1 {
		log.Fatal("load: -addr (or -addrfile) and a positive -wave are required")
	}
	deadline := time.Now().Add(*timeout)
	time.AfterFunc(*timeout, func() { log.Fatalf("load: not done after %v", *timeout) })

	log.Printf("load: %s", sample(*addr))
	for done := 0; done < *total; {
		n := min(*wave, *total-done)
		if err := runWave(*addr, n, deadline); err != nil {
			log.Fatalf("load: wave after %d connections: %v", done, err)
		}
		done += n
		log.Printf("load: %s", sample(*addr))
	}
	if *quit {
		get(*addr, "/quit")
	}
}

// sample asks the server to record its heap and returns the CSV row it wrote.
func sample(addr string) string {
	return strings.TrimSpace(get(addr, "/sample"))
}

func get(addr, path string) string {
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		log.Fatalf("load: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		log.Fatalf("load: GET %s: %s %v %s", path, resp.Status, err, body)
	}
	return string(body)
}

// runWave opens n connections, waits until all of them have been greeted, then has each say
// bye and waits until the server has closed them all.
func runWave(addr string, n int, deadline time.Time) error {
	var greeted, finished sync.WaitGroup
	release := make(chan struct{})
	errs := make(chan error, n)
	greeted.Add(n)
	finished.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer finished.Done()
			errs <- client(addr, deadline, greeted.Done, release)
		}()
	}
	greeted.Wait()
	close(release)
	finished.Wait()
	close(errs)
	failed := 0
	var first error
	for err := range errs {
		if err != nil && failed == 0 {
			first = err
		}
		if err != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d connections failed, the first: %w", failed, n, first)
	}
	return nil
}

// client is one connection: upgrade, hello, ping/pong, then (once released) bye, and read until
// the server closes. It calls greeted exactly once, whatever happens.
func client(addr string, deadline time.Time, greeted func(), release <-chan struct{}) error {
	var once sync.Once
	defer once.Do(greeted)

	nc, err := (&net.Dialer{Deadline: deadline}).Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer nc.Close()
	if err := nc.SetDeadline(deadline); err != nil {
		return err
	}
	fmt.Fprintf(nc, "GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: wshub\r\nConnection: Upgrade\r\n\r\n", addr)
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return fmt.Errorf("upgrade: %s", resp.Status)
	}
	if err := expect(br, "hello"); err != nil {
		return err
	}
	fmt.Fprint(nc, "ping\n")
	if err := expect(br, "pong"); err != nil {
		return err
	}

	once.Do(greeted)
	<-release
	fmt.Fprint(nc, "bye\n")
	if err := expect(br, "bye"); err != nil {
		return err
	}
	// The server closes first, so the TIME_WAIT state stays on its side and the client's
	// ports are free again for the next wave.
	if _, err := io.Copy(io.Discard, br); err != nil {
		return err
	}
	return nil
}

// expect reads lines until want, skipping heartbeats.
func expect(br *bufio.Reader, want string) error {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("waiting for %q: %w", want, err)
		}
		switch strings.TrimSpace(line) {
		case want:
			return nil
		case "beat":
		default:
			return fmt.Errorf("waiting for %q: got %q", want, line)
		}
	}
}
