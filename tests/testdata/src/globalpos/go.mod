module leakls.test/globalpos

go 1.22
