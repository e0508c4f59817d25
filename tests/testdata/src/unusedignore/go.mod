module leakls.test/unusedignore

go 1.22
