module leakls.test/goroutinemain

go 1.22
