module leakls.test/heapproof/timetick

// Before Go 1.23 timer semantics: an unstopped ticker is never freed.
go 1.22
