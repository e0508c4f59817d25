module leakls.test/globalneg

go 1.22
