module leakls.test/testsupport

go 1.22
