module leakls.test/mainpkg

go 1.22
