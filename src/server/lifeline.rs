//! Ends the server when its editor is gone, whatever the server is doing.
//!
//! The orderly way out (tower-lsp returns after `exit`, or at the end of stdin) can wait on work
//! that does not stop: a request to the client that is never answered, a scan of a large
//! workspace, a parse. An editor that crashes would then leave an orphan. So the reader of stdin
//! tells this module what it sees: `exit`, the end of stdin, the `processId` of `initialize`
//! (the LSP specification asks the server to exit when that process dies). From then on the
//! process has [`GRACE`] to end by itself, and is ended after that with the exit code the
//! specification gives: 0 after `shutdown`, 1 otherwise.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::log::{self, Level};

/// How long the orderly way out may take before the process is ended.
pub const GRACE: Duration = Duration::from_millis(500);

/// How often the editor's process is looked for.
const POLL: Duration = Duration::from_millis(250);

#[derive(Default)]
pub struct Lifeline {
    shutdown: AtomicBool,
    ending: AtomicBool,
    watching: AtomicBool,
}

#[derive(serde::Deserialize)]
struct Peek<'a> {
    #[serde(borrow)]
    method: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    params: Option<PeekParams>,
}

#[derive(serde::Deserialize)]
struct PeekParams {
    #[serde(default, rename = "processId")]
    process_id: Option<i64>,
}

impl Lifeline {
    /// Looks at a message from the client before the server handles it.
    pub fn observe(self: &Arc<Self>, body: &[u8]) {
        let Ok(peek) = serde_json::from_slice::<Peek>(body) else {
            return;
        };
        match peek.method.as_deref() {
            Some("shutdown") => self.shutdown.store(true, Ordering::SeqCst),
            Some("exit") => self.end_soon("exit"),
            Some("initialize") => {
                let pid = peek.params.and_then(|p| p.process_id);
                if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()).filter(|p| *p > 0) {
                    self.watch(pid);
                }
            }
            _ => {}
        }
    }

    /// The client's input has ended.
    pub fn input_ended(self: &Arc<Self>) {
        self.end_soon("the end of stdin");
    }

    fn code(&self) -> i32 {
        if self.shutdown.load(Ordering::SeqCst) {
            0
        } else {
            1
        }
    }

    /// Gives the orderly way out [`GRACE`], then ends the process.
    fn end_soon(self: &Arc<Self>, why: &'static str) {
        if self.ending.swap(true, Ordering::SeqCst) {
            return;
        }
        let me = self.clone();
        std::thread::spawn(move || {
            std::thread::sleep(GRACE);
            log::log(
                Level::Info,
                format_args!("still running {GRACE:?} after {why}: ending the process"),
            );
            std::process::exit(me.code());
        });
    }

    /// Ends the process once `pid` has died.
    fn watch(self: &Arc<Self>, pid: i32) {
        if self.watching.swap(true, Ordering::SeqCst) || !is_alive(pid) {
            // A processId that is not there at all (another PID namespace, a made-up number)
            // says nothing about the editor.
            return;
        }
        let me = self.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(POLL);
            if !is_alive(pid) {
                log::log(
                    Level::Info,
                    format_args!("the editor's process {pid} has ended: ending too"),
                );
                std::process::exit(me.code());
            }
        });
    }
}

/// Whether process `pid` exists and is not a zombie.
#[cfg(unix)]
pub fn is_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let exists = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    if !exists {
        return false;
    }
    // A dead process that its parent has not reaped yet still answers signal 0.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .is_none_or(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => true,
    }
}

#[cfg(not(unix))]
pub fn is_alive(_pid: i32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_a_live_process_from_one_that_is_not_there() {
        assert!(is_alive(std::process::id() as i32));
        assert!(!is_alive(i32::MAX)); // above any pid_max
    }
}
