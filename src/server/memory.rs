//! Giving freed memory back to the system.
//!
//! glibc's malloc keeps what the server frees in its arenas for reuse, so after large documents
//! are opened and closed the process's RSS shows the most it ever held, not what it holds: on the
//! benchmark corpus, opening and closing 2,000 files left RSS 77 MB above the index, all of it free
//! (`malloc_trim` brought it 9 MB below). An editor's memory view is what users judge a server by,
//! so after work that frees much at once (the first scan, closing a document) the free pages
//! are returned. Never per keystroke: trimming walks every arena.

use std::sync::atomic::{AtomicBool, Ordering};

/// A trim is queued or running; more requests meanwhile are covered by it.
static QUEUED: AtomicBool = AtomicBool::new(false);

/// Returns free memory to the system on a blocking thread, once for any number of calls made
/// while it waits.
pub fn release_freed() {
    if QUEUED.swap(true, Ordering::AcqRel) {
        return;
    }
    tokio::task::spawn_blocking(|| {
        // Cleared first: what is freed after the trim starts gets a trim of its own.
        QUEUED.store(false, Ordering::Release);
        let started = std::time::Instant::now();
        trim();
        crate::log::log(
            crate::log::Level::Debug,
            format_args!(
                "returned free memory to the system in {:.1} ms",
                started.elapsed().as_secs_f64() * 1000.0
            ),
        );
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    extern "C" {
        /// glibc: releases free memory at the top of each heap and free whole pages inside it.
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: takes no pointers, and glibc locks each arena while trimming it.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
