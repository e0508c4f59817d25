module leakls.test/go122async

go 1.22

// The timer semantics of Go 1.23 under an older go line.
godebug asynctimerchan=0
