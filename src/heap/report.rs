//! What a heap profile says per source line and per function: flat (the sample's allocation
//! site is there) and cum (the line is anywhere on the sample's stack, once per sample), as
//! `go tool pprof -top -lines` counts them; with a base profile, the current figures less the
//! base's (pprof's `-diff_base`).

use std::collections::HashMap;

use super::decode::{Frame, HeapProfile};

/// One line (or function) of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub function: String,
    pub file: String,
    /// 0 for a function's row.
    pub line: i64,
    pub inlined: bool,
    pub flat: i64,
    pub cum: i64,
}

/// The key pprof's `-lines` nodes have: the function, the file and the line.
type LineKey = (String, String, i64);

/// Per-line and per-function figures of one sample type (`index` into the sample types), in
/// one walk over the samples: pprof's `-lines` and its default `-functions` granularity.
pub fn by_line_and_function(profile: &HeapProfile, index: usize) -> (Vec<Stat>, Vec<Stat>) {
    let mut lines = Tally::new(profile, |f| (f.function.clone(), f.file.clone(), f.line));
    let mut functions = Tally::new(profile, |f| (f.function.clone(), f.file.clone(), 0));
    for (n, s) in profile.samples.iter().enumerate() {
        let Some(&v) = s.values.get(index) else {
            continue;
        };
        if v == 0 {
            continue;
        }
        for (depth, frame) in profile.stack(s).enumerate() {
            lines.add(frame, depth == 0, n, v);
            functions.add(frame, depth == 0, n, v);
        }
    }
    (lines.stats(), functions.stats())
}

/// Per-line figures of the workspace's own lines: flat is what the samples whose innermost
/// frame in the workspace is that line hold (a ticker made by `time.NewTicker` counts on the
/// line that calls it), cum what the samples with that line anywhere hold. Lines of files
/// `in_workspace` rejects are left out.
pub fn by_workspace_line(
    profile: &HeapProfile,
    index: usize,
    in_workspace: impl Fn(&str) -> bool,
) -> Vec<Stat> {
    let mut lines = Tally::new(profile, |f| (f.function.clone(), f.file.clone(), f.line));
    let mine: Vec<bool> = profile
        .frames
        .iter()
        .map(|f| in_workspace(&f.file))
        .collect();
    for (n, s) in profile.samples.iter().enumerate() {
        let Some(&v) = s.values.get(index) else {
            continue;
        };
        if v == 0 {
            continue;
        }
        let mut first = true;
        for frame in profile.stack(s) {
            if !mine[frame as usize] {
                continue;
            }
            lines.add(frame, first, n, v);
            first = false;
        }
    }
    lines.stats()
}

/// Sums per key, with each frame's key as a small number so that the walk over every sample's
/// stack indexes arrays instead of hashing strings (a 10 MB profile has millions of frames on
/// its stacks).
struct Tally {
    keys: Vec<(LineKey, bool)>,
    frame_key: Vec<u32>,
    flat: Vec<i64>,
    cum: Vec<i64>,
    touched: Vec<bool>,
    /// The last sample that counted each key in its cum: a key counts once per sample.
    stamp: Vec<usize>,
}

impl Tally {
    fn new(profile: &HeapProfile, key: impl Fn(&Frame) -> LineKey) -> Tally {
        let mut ids: HashMap<LineKey, u32> = HashMap::new();
        let mut keys: Vec<(LineKey, bool)> = Vec::new();
        let frame_key = profile
            .frames
            .iter()
            .map(|f| {
                let k = key(f);
                let next = keys.len() as u32;
                *ids.entry(k.clone()).or_insert_with(|| {
                    keys.push((k, f.inlined));
                    next
                })
            })
            .collect();
        let n = keys.len();
        Tally {
            keys,
            frame_key,
            flat: vec![0; n],
            cum: vec![0; n],
            touched: vec![false; n],
            stamp: vec![usize::MAX; n],
        }
    }

    fn add(&mut self, frame: u32, leaf: bool, sample: usize, v: i64) {
        let k = self.frame_key[frame as usize] as usize;
        self.touched[k] = true;
        if leaf {
            self.flat[k] += v;
        }
        if self.stamp[k] != sample {
            self.stamp[k] = sample;
            self.cum[k] += v;
        }
    }

    fn stats(self) -> Vec<Stat> {
        let Tally {
            keys,
            flat,
            cum,
            touched,
            ..
        } = self;
        keys.into_iter()
            .enumerate()
            .filter(|(k, _)| touched[*k])
            .map(|(k, ((function, file, line), inlined))| Stat {
                function,
                file,
                line,
                // A function's row is the function, inlined somewhere or not.
                inlined: inlined && line != 0,
                flat: flat[k],
                cum: cum[k],
            })
            .collect()
    }
}

/// `current` less `base`, key by key (a key in only one counts as 0 in the other).
pub fn diff(current: Vec<Stat>, base: Vec<Stat>) -> Vec<Stat> {
    let mut by_key: HashMap<LineKey, Stat> = HashMap::new();
    for s in current {
        by_key.insert((s.function.clone(), s.file.clone(), s.line), s);
    }
    for b in base {
        let entry = by_key
            .entry((b.function.clone(), b.file.clone(), b.line))
            .or_insert_with(|| Stat {
                flat: 0,
                cum: 0,
                ..b.clone()
            });
        entry.flat -= b.flat;
        entry.cum -= b.cum;
    }
    by_key
        .into_values()
        .filter(|s| s.flat != 0 || s.cum != 0)
        .collect()
}

/// pprof's order for `-top`: flat, then cum, both descending, then the name.
pub fn sort(stats: &mut [Stat]) {
    stats.sort_by(|a, b| {
        b.flat
            .cmp(&a.flat)
            .then(b.cum.cmp(&a.cum))
            .then_with(|| a.function.cmp(&b.function))
            .then(a.line.cmp(&b.line))
    });
}

/// A figure for people: bytes in B, kB, MB or GB (powers of ten) with `decimals` places, any
/// other unit as the plain number.
pub fn amount(v: i64, unit: &str, decimals: usize) -> String {
    if unit != "bytes" {
        return v.to_string();
    }
    let a = v.unsigned_abs() as f64;
    let sign = if v < 0 { "-" } else { "" };
    match a {
        a if a >= 1e9 => format!("{sign}{:.decimals$} GB", a / 1e9),
        a if a >= 1e6 => format!("{sign}{:.decimals$} MB", a / 1e6),
        a if a >= 1e3 => format!("{sign}{:.decimals$} kB", a / 1e3),
        _ => format!("{v} B"),
    }
}

/// The sum of one sample type over every sample: what pprof calls the total.
pub fn total(profile: &HeapProfile, index: usize) -> i64 {
    profile
        .samples
        .iter()
        .filter_map(|s| s.values.get(index))
        .sum()
}
