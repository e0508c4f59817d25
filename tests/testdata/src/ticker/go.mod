module leakls.test/ticker

go 1.22
