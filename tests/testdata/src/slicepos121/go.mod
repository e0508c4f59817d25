module leakls.test/slicepos121

go 1.21
