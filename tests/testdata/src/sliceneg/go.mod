module leakls.test/sliceneg

go 1.22
