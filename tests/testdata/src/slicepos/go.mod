module leakls.test/slicepos

go 1.20
