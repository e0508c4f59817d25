module leakls.test/heapproof/slicequeue

// Go 1.24 for weak pointers, which count the jobs that survive a collection.
go 1.24
