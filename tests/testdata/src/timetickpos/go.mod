module leakls.test/timetickpos

go 1.22
