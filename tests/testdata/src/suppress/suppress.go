package suppress

import "time"

func lineAbove(d time.Duration) {
	//leakls:ignore unstopped-ticker the caller's process exits right after
	t := time.NewTicker(d)
	<-t.C
}

func sameLine(d time.Duration) {
	t := time.NewTicker(d) //leakls:ignore unstopped-ticker the caller's process exits right after
	<-t.C
}

func severalCodes(d time.Duration) {
	//leakls:ignore time-tick,unstopped-ticker one-shot tool
	t, c := time.NewTicker(d), time.Tick(d)
	<-t.C
	<-c
}

// One of the two codes has nothing to silence: the fix keeps the other.
func partlyStale(d time.Duration) {
	//leakls:ignore time-tick,unstopped-ticker one-shot tool // want `unused-ignore: //leakls:ignore silences nothing for some codes: no time-tick finding on this line or the next`
	t := time.NewTicker(d)
	<-t.C
}

func otherCode(d time.Duration) {
	//leakls:ignore time-tick this names another check // want `unused-ignore: //leakls:ignore silences nothing: no time-tick finding on this line or the next`
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func otherCodeSameLine(d time.Duration) {
	t := time.NewTicker(d) //leakls:ignore after-in-loop wrong code // want `unstopped-ticker: ticker .t. is never stopped` `unused-ignore: .*silences nothing: no after-in-loop finding`
	<-t.C
}

// Two lines above is too far.
func tooFar(d time.Duration) {
	//leakls:ignore unstopped-ticker too far away // want `unused-ignore: .*silences nothing: no unstopped-ticker finding on this line or the next`

	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

// Not the directive: a word glued to it.
func gluedWord(d time.Duration) {
	//leakls:ignored unstopped-ticker not a directive
	t := time.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func tickSilenced(d time.Duration) {
	//leakls:ignore time-tick run once per process
	c := time.Tick(d)
	<-c
}
