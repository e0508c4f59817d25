module leakls.test/commandtimers

go 1.22
