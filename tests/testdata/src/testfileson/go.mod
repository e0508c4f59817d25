module leakls.test/testfileson

go 1.22
