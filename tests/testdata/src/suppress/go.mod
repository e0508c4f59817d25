module leakls.test/suppress

go 1.22
