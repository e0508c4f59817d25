module leakls.test/afterpos

go 1.22
