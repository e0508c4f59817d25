module leakls.test/go123

go 1.23
