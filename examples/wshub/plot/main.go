// Command plot draws the heap samples of two wshub runs, before and after leakls --fix, as one
// SVG line chart: live heap after garbage collection against connections served. It needs
// nothing but the standard library, so the picture can be redrawn anywhere.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"html"
	"log"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// series is one run: connections served and live heap bytes, one point per sample.
type series struct {
	conns, heap []float64
}

func main() {
	before := flag.String("before", "before.csv", "samples of the run before the fix")
	after := flag.String("after", "after.csv", "samples of the run after the fix")
	out := flag.String("o", "wshub-heap.svg", "SVG file to write")
	flag.Parse()
	log.SetFlags(0)

	b, err := read(*before)
	if err != nil {
		log.Fatal(err)
	}
	a, err := read(*after)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, []byte(draw(b, a)), 0o644); err != nil {
		log.Fatal(err)
	}
}

// read takes the connections and heap_bytes columns of a sampler CSV.
func read(path string) (series, error) {
	f, err := os.Open(path)
	if err != nil {
		return series{}, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return series{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) < 3 {
		return series{}, fmt.Errorf("%s: need a header and at least two samples", path)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	ci, ok1 := col["connections"]
	hi, ok2 := col["heap_bytes"]
	if !ok1 || !ok2 {
		return series{}, fmt.Errorf("%s: no connections or heap_bytes column", path)
	}
	var s series
	for _, row := range rows[1:] {
		c, err1 := strconv.ParseFloat(row[ci], 64)
		h, err2 := strconv.ParseFloat(row[hi], 64)
		if err1 != nil || err2 != nil {
			return series{}, fmt.Errorf("%s: bad row %v", path, row)
		}
		s.conns = append(s.conns, c)
		s.heap = append(s.heap, h)
	}
	return s, nil
}

// slope is the heap growth per connection from the first wave to the last sample: what every
// further connection costs once the first wave has filled buffers and pools.
func (s series) slope() float64 {
	n := len(s.conns) - 1
	return (s.heap[n] - s.heap[1]) / (s.conns[n] - s.conns[1])
}

func (s series) last() (conns, heap float64) {
	n := len(s.conns) - 1
	return s.conns[n], s.heap[n]
}

// niceStep is a round step (1, 2 or 5 times a power of ten) that cuts 0..max into about n parts.
func niceStep(max float64, n int) float64 {
	raw := max / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// thousands writes 20000 as 20,000.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func draw(before, after series) string {
	const (
		width, height = 860, 640
		// The plot area.
		left, right, top, bottom = 80.0, 820.0, 70.0, 440.0
		beforeColor, afterColor  = "#d62728", "#1f77b4"
		mb                       = 1e6
	)
	maxX, maxY := 0.0, 0.0
	for _, s := range []series{before, after} {
		for i := range s.conns {
			maxX = math.Max(maxX, s.conns[i])
			maxY = math.Max(maxY, s.heap[i]/mb)
		}
	}
	xStep, yStep := niceStep(maxX, 4), niceStep(maxY, 8)
	maxX = math.Ceil(maxX/xStep) * xStep
	maxY = math.Ceil(maxY*1.05/yStep) * yStep
	px := func(x float64) float64 { return left + x/maxX*(right-left) }
	py := func(y float64) float64 { return bottom - y/maxY*(bottom-top) }

	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="13">`, width, height, width, height)
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>`)
	p(`<text x="%g" y="28" font-size="18" font-weight="bold">wshub: live heap after GC, before and after leakls check --fix</text>`, left)
	lastConns, heapBefore := before.last()
	_, heapAfter := after.last()
	p(`<text x="%g" y="50" fill="#555555">%s connections in waves, each wave held open at once, then closed; built with %s, go.mod says go 1.22</text>`,
		left, thousands(lastConns), html.EscapeString(runtime.Version()))

	// Grid and axes.
	for y := 0.0; y <= maxY+yStep/2; y += yStep {
		p(`<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#e5e5e5"/>`, left, py(y), right, py(y))
		p(`<text x="%g" y="%.1f" text-anchor="end">%g</text>`, left-8, py(y)+4, y)
	}
	for x := 0.0; x <= maxX+xStep/2; x += xStep {
		p(`<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#e5e5e5"/>`, px(x), top, px(x), bottom)
		p(`<text x="%.1f" y="%g" text-anchor="middle">%s</text>`, px(x), bottom+20, thousands(x))
	}
	p(`<path d="M%g %gV%gH%g" fill="none" stroke="#333333"/>`, left, top, bottom, right)
	p(`<text x="%g" y="%g" text-anchor="middle">connections served</text>`, (left+right)/2, bottom+42)
	p(`<text transform="translate(24 %g) rotate(-90)" text-anchor="middle">live heap (MB)</text>`, (top+bottom)/2)

	// The two runs, each labelled at its end with its last value and per-connection slope.
	for _, run := range []struct {
		s     series
		color string
	}{{before, beforeColor}, {after, afterColor}} {
		var pts []string
		for i := range run.s.conns {
			x, y := px(run.s.conns[i]), py(run.s.heap[i]/mb)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			p(`<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x, y, run.color)
		}
		p(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`, strings.Join(pts, " "), run.color)
		x, y := run.s.last()
		p(`<text x="%.1f" y="%.1f" text-anchor="end" fill="%s" font-weight="bold">%.1f MB, +%.0f B per connection</text>`,
			px(x), py(y/mb)-12, run.color, y/mb, run.s.slope())
	}

	// Legend, below the plot: what each part of the difference is, in numbers from the data.
	step := (before.heap[1] - after.heap[1]) / mb
	legend := []struct{ color, head, text string }{
		{beforeColor, "before:", fmt.Sprintf("the step (%.1f MB above the fixed run at the first wave) is a wave of closed *Conn,", step)},
		{"", "", fmt.Sprintf("with their buffers, still in the hub's slice (slice-retains); the slope (%.0f B per connection above",
			before.slope()-after.slope())},
		{"", "", "the fixed run) is one unstopped heartbeat ticker per connection (unstopped-ticker) and, for one"},
		{"", "", "connection in ten, a profile lookup's goroutine blocked for ever with what it loaded (goroutine-leak)."},
		{afterColor, "after leakls check --fix:", fmt.Sprintf("%.1f MB instead of %.1f MB. What still grows, %.0f B per connection, is the",
			heapAfter/mb, heapBefore/mb, after.slope())},
		{"", "", "sessions map: the global-growth finding, which has no automatic fix (delete the entry when the session ends)."},
	}
	for i, l := range legend {
		y := bottom + 76 + float64(i)*20
		if l.color != "" {
			p(`<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="3"/>`, left, y-4, left+24, y-4, l.color)
			p(`<text x="%g" y="%g"><tspan font-weight="bold">%s</tspan> %s</text>`, left+32, y, html.EscapeString(l.head), html.EscapeString(l.text))
		} else {
			p(`<text x="%g" y="%g">%s</text>`, left+32, y, html.EscapeString(l.text))
		}
	}
	p(`</svg>`)
	return b.String()
}
