module leakls.test/testfiles

go 1.22
