module leakls.test/globaloneshot

go 1.22
