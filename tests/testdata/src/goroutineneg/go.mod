module leakls.test/goroutineneg

go 1.22
