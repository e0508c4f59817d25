module leakls.test/goroutinepos

go 1.22
