package unusedignore

import "time"

// A directive without a reason is not honoured: the finding stays, and the directive is reported.
func noReason(d time.Duration) {
	//leakls:ignore unstopped-ticker // want `unused-ignore: //leakls:ignore unstopped-ticker has no reason, so it silences nothing`
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func noReasonSameLine(d time.Duration) {
	t := time.NewTicker(d) //leakls:ignore unstopped-ticker // want `unstopped-ticker: ticker .t. is never stopped` `unused-ignore: //leakls:ignore unstopped-ticker has no reason, so it silences nothing`
	<-t.C
}

func noCode(d time.Duration) {
	//leakls:ignore // want `unused-ignore: //leakls:ignore names no code, so it silences nothing`
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func unknownCode(d time.Duration) {
	//leakls:ignore ticker,unstopped-ticker the name is wrong // want `unused-ignore: //leakls:ignore silences nothing for some codes: "ticker" is not a leakls code`
	t := time.NewTicker(d)
	<-t.C
}

// Nothing here leaks any more: the directive is stale.
func stale(d time.Duration) {
	//leakls:ignore unstopped-ticker this used to leak // want `unused-ignore: //leakls:ignore silences nothing: no unstopped-ticker finding on this line or the next`
	t := time.NewTicker(d)
	defer t.Stop()
	<-t.C
}

// Text that looks like a directive but is not a comment silences nothing and is not reported.
func inLiterals(d time.Duration) (string, string) {
	s := "//leakls:ignore unstopped-ticker in a string"
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	r := `
//leakls:ignore unstopped-ticker in a raw string`
	u := time.NewTicker(d) // want `unstopped-ticker: ticker .u. is never stopped`
	/*
		//leakls:ignore unstopped-ticker in a block comment
	*/
	v := time.NewTicker(d) // want `unstopped-ticker: ticker .v. is never stopped`
	<-t.C
	<-u.C
	<-v.C
	return s, r
}
