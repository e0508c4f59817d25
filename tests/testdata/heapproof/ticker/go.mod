module leakls.test/heapproof/ticker

// Before Go 1.23 timer semantics: an unstopped ticker is never freed.
go 1.22
