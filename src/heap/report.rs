//! What a heap profile says per source line and per function: flat (the sample's allocation
//! site is there) and cum (the line is anywhere on the sample's stack, once per sample), as
//! `go tool pprof -top -lines` counts them; with a base profile, the current figures less the
//! base's (pprof's `-diff_base`).

use std::collections::{HashMap, HashSet};

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

/// Per-line figures of one sample type (`index` into the sample types).
pub fn by_line(profile: &HeapProfile, index: usize) -> Vec<Stat> {
    aggregate(profile, index, |f: &Frame| {
        (f.function.clone(), f.file.clone(), f.line)
    })
}

/// Per-function figures (pprof's `-functions`, its default granularity).
pub fn by_function(profile: &HeapProfile, index: usize) -> Vec<Stat> {
    aggregate(profile, index, |f: &Frame| {
        (f.function.clone(), f.file.clone(), 0)
    })
}

fn aggregate(profile: &HeapProfile, index: usize, key: impl Fn(&Frame) -> LineKey) -> Vec<Stat> {
    // Keys per frame, computed once.
    let keys: Vec<LineKey> = profile.frames.iter().map(&key).collect();
    let mut stats: HashMap<&LineKey, (i64, i64, bool)> = HashMap::new();
    let mut seen: HashSet<&LineKey> = HashSet::new();
    for s in &profile.samples {
        let Some(&v) = s.values.get(index) else {
            continue;
        };
        if v == 0 {
            continue;
        }
        seen.clear();
        for (depth, &frame) in s.stack.iter().enumerate() {
            let k = &keys[frame as usize];
            let entry = stats
                .entry(k)
                .or_insert((0, 0, profile.frames[frame as usize].inlined));
            if depth == 0 {
                entry.0 += v;
            }
            if seen.insert(k) {
                entry.1 += v;
            }
        }
    }
    stats
        .into_iter()
        .map(|((function, file, line), (flat, cum, inlined))| Stat {
            function: function.clone(),
            file: file.clone(),
            line: *line,
            // A function's row is the function, inlined somewhere or not.
            inlined: inlined && *line != 0,
            flat,
            cum,
        })
        .collect()
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

/// The sum of one sample type over every sample: what pprof calls the total.
pub fn total(profile: &HeapProfile, index: usize) -> i64 {
    profile
        .samples
        .iter()
        .filter_map(|s| s.values.get(index))
        .sum()
}
