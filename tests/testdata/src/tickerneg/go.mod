module leakls.test/tickerneg

go 1.22
