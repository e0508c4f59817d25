module leakls.test/go124async

go 1.24

// The timer semantics from before Go 1.23.
godebug asynctimerchan=1
