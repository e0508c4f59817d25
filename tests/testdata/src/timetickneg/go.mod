module leakls.test/timetickneg

go 1.22
