module leakls.test/go123hint

go 1.23
