module leakls.test/slicepos122

go 1.22
