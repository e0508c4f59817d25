package tickerpos

import . "time"

func dotted(d Duration) {
	t := NewTicker(d) // want `unstopped-ticker: ticker .t. is never stopped`
	<-t.C
}

func dottedChannel(d Duration) {
	c := NewTicker(d).C // want `unstopped-ticker: only the channel of this ticker is kept`
	<-c
}
