module leakls.test/tickerpos

go 1.22
