module leakls.test/tickerfield

go 1.22
