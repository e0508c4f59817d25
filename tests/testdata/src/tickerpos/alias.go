package tickerpos

import tm "time"

func aliased(d tm.Duration) {
	t := tm.NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func aliasedDiscarded(d tm.Duration) {
	tm.NewTicker(d) // want `unstopped-ticker: the ticker from NewTicker is discarded`
}
