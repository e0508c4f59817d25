module leakls.test/hub

go 1.22
