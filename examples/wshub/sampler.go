package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
)

// sampler appends heap samples to a CSV file, and writes a heap profile for each to heapDir
// when there is one.
type sampler struct {
	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	heapDir string
	n       int
}

const csvHeader = "connections,heap_bytes,heap_objects,goroutines,sessions"

func newSampler(path, heapDir string) (*sampler, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if heapDir != "" {
		if err := os.MkdirAll(heapDir, 0o755); err != nil {
			return nil, err
		}
	}
	s := &sampler{f: f, w: bufio.NewWriter(f), heapDir: heapDir}
	fmt.Fprintln(s.w, csvHeader)
	return s, nil
}

// record collects garbage and writes one row: connections served, the bytes and objects still
// live on the heap, goroutines, and sessions recorded. It returns the row.
func (s *sampler) record(served int64, sessions int) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Twice: the first collection only clears sync.Pool caches into their victim caches.
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	row := fmt.Sprintf("%d,%d,%d,%d,%d", served, m.HeapAlloc, m.HeapObjects, runtime.NumGoroutine(), sessions)
	if _, err := fmt.Fprintln(s.w, row); err != nil {
		return row, err
	}
	return row, s.writeProfile()
}

// writeProfile writes heap-NNN.pb.gz, the heap as of this sample, to heapDir.
func (s *sampler) writeProfile() error {
	if s.heapDir == "" {
		return nil
	}
	s.n++
	f, err := os.Create(filepath.Join(s.heapDir, fmt.Sprintf("heap-%03d.pb.gz", s.n)))
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (s *sampler) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.w.Flush(); err != nil {
		return err
	}
	return s.f.Close()
}
