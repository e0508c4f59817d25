package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"sync"
)

// sampler appends heap samples to a CSV file.
type sampler struct {
	mu sync.Mutex
	f  *os.File
	w  *bufio.Writer
}

const csvHeader = "connections,heap_bytes,heap_objects,goroutines,sessions"

func newSampler(path string) (*sampler, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	s := &sampler{f: f, w: bufio.NewWriter(f)}
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
	_, err := fmt.Fprintln(s.w, row)
	return row, err
}

func (s *sampler) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.w.Flush(); err != nil {
		return err
	}
	return s.f.Close()
}
