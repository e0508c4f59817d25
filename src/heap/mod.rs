//! Heap profiles (`/debug/pprof/heap`, `go test -memprofile`): decoded, mapped to the
//! workspace's files, and summed per line and per function, as `go tool pprof -top -lines`
//! does, so that what grows can be shown on the line that allocates it.

pub mod decode;
pub mod fetch;
pub mod mapping;
mod proto;
pub mod report;
pub mod watch;
