module leakls.test/afterneg

go 1.22
