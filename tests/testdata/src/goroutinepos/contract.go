package goroutinepos

// A method starts a goroutine that serves until Stop closes done; a function starts a value
// and never stops it.

type queue struct {
	jobs chan string
	done chan struct{}
}

func (q *queue) Start() {
	go func() {
		for {
			select { // want `goroutine-leak: this goroutine ends only when .done. says stop, which only .Stop. does; .enqueueAll. starts it \(.q.Start\(\). at line 30\) and never calls .Stop. on .q.`
			case j := <-q.jobs:
				_ = j
			case <-q.done:
				return
			}
		}
	}()
}

func (q *queue) Stop() { close(q.done) }

func (q *queue) Add(j string) { q.jobs <- j }

func enqueueAll(jobs []string) {
	q := &queue{jobs: make(chan string), done: make(chan struct{})}
	q.Start()
	for _, j := range jobs {
		q.Add(j)
	}
}
