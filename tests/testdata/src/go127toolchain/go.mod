module leakls.test/go127toolchain

go 1.21

// Go 1.27 removed asynctimerchan: whatever the go line and godebug say, the timers it builds
// are collected.
toolchain go1.27.1

godebug asynctimerchan=1
