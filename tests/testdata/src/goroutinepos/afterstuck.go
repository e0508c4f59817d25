package goroutinepos

import "sync"

// A wait whose every partner comes after a call that never returns: the goroutine that would
// release it never gets there.

// A stopper whose drain WaitGroup nothing calls Done on: stopDraining waits for ever once a
// task was added.
type drainer struct {
	tasks  sync.WaitGroup
	portal *sync.Cond
	isOpen bool
}

func (d *drainer) addTask() { d.tasks.Add(1) }

func (d *drainer) stopDraining() {
	d.tasks.Wait() // want "goroutine-leak: this waits for ever: the WaitGroup .tasks. \\(of .drainer.\\) is added to"
}

func (d *drainer) awaitGate() {
	d.portal.L.Lock()
	for !d.isOpen {
		d.portal.Wait() // want "goroutine-leak: this waits for ever: nothing in the package calls .Signal. or .Broadcast. on .portal."
	}
	d.portal.L.Unlock()
}

// The close comes after stopDraining, in a loop over the drainers.
func shutdownAll(drainers []*drainer) {
	for _, d := range drainers {
		d.addTask()
	}
	done := make(chan struct{})
	go func() {
		for _, d := range drainers {
			d.stopDraining()
		}
		close(done)
	}()
	<-done // want "goroutine-leak: this receive waits for ever: every send on .done. and every .close\\(done\\). comes after .d.stopDraining\\(\\). \\(line 38\\) in the goroutine started at line 36, and that call never returns"
}

// The close is deferred: a goroutine that never returns runs no defer either.
func awaitGateAsync(d *drainer) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.awaitGate()
	}()
	<-done // want "goroutine-leak: this receive waits for ever: .* comes after .d.awaitGate\\(\\). \\(line 50\\)"
}

// Through a function that calls the method that never returns; the WaitGroup's Done comes
// after it.
func settle(d *drainer) {
	d.stopDraining()
}

func settleAll(d *drainer) {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			settle(d)
			wg.Done()
		}()
	}
	wg.Wait() // want "goroutine-leak: this .Wait. on the WaitGroup .wg. never returns: every .wg.Done\\(\\). comes after .settle\\(d\\). \\(line 66\\)"
}
