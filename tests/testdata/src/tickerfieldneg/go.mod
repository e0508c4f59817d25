module leakls.test/tickerfieldneg

go 1.22
