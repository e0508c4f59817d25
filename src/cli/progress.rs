//! The progress bar of `leakls check`: on stderr, only when a person is watching a terminal and
//! the scan takes more than a moment.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// More files than this show a bar at once; fewer, only once the scan has run this long.
const MANY_FILES: usize = 200;
const A_MOMENT: Duration = Duration::from_millis(500);

pub struct Progress {
    enabled: bool,
    started: Instant,
    bar: OnceLock<ProgressBar>,
}

impl Progress {
    /// `wanted` is false for machine-read reports; a bar is also never drawn on a pipe.
    pub fn new(wanted: bool, started: Instant) -> Progress {
        Progress {
            enabled: wanted && std::io::stderr().is_terminal(),
            started,
            bar: OnceLock::new(),
        }
    }

    /// Called from the worker threads as files are done.
    pub fn update(&self, done: usize, total: usize) {
        if !self.enabled {
            return;
        }
        let bar = match self.bar.get() {
            Some(bar) => bar,
            None if done < total && (total > MANY_FILES || self.started.elapsed() > A_MOMENT) => {
                self.bar.get_or_init(|| new_bar(total))
            }
            None => return,
        };
        bar.set_position(done as u64);
    }

    /// Clears the bar before the report is printed.
    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

fn new_bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("checking {bar:40} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
