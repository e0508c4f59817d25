package goroutineneg

// The start/stop contract kept, or out of sight.

type pump struct {
	in   chan int
	quit chan struct{}
}

func (p *pump) Run() {
	go func() {
		for {
			select {
			case <-p.in:
			case <-p.quit:
				return
			}
		}
	}()
}

func (p *pump) Close() { p.shutdown() }

func (p *pump) shutdown() { close(p.quit) }

// Stopped through a method that calls the one that closes.
func pumpOnce() {
	p := &pump{in: make(chan int), quit: make(chan struct{})}
	p.Run()
	defer p.Close()
	p.in <- 1
}

// Handed on: whoever gets it may stop it.
func pumpFor(register func(*pump)) {
	p := &pump{in: make(chan int), quit: make(chan struct{})}
	p.Run()
	register(p)
}

// Returned to the caller, who owns it now.
func newPump() *pump {
	p := &pump{in: make(chan int), quit: make(chan struct{})}
	p.Run()
	return p
}

// The program's own: it lasts as long as the program.
func main() {
	p := &pump{in: make(chan int), quit: make(chan struct{})}
	p.Run()
	p.in <- 1
}

// A goroutine that also ends when its input is closed.
type reader struct {
	lines chan string
	stop  chan struct{}
}

func (r *reader) Start() {
	go func() {
		for {
			select {
			case _, ok := <-r.lines:
				if !ok {
					return
				}
			case <-r.stop:
				return
			}
		}
	}()
}

func (r *reader) Stop() { close(r.stop) }

func readSome() {
	r := &reader{lines: make(chan string), stop: make(chan struct{})}
	r.Start()
	r.lines <- "x"
}
