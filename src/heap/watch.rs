//! Snapshots of a running service's heap, and the sites whose live memory grows from one
//! snapshot to the next: what keeps growing while the service is exercised is what leaks.

use std::collections::HashMap;

use super::report::Stat;

type Key = (String, String, i64);

/// The figures of every snapshot so far.
#[derive(Default)]
pub struct Watch {
    /// Seconds since the first snapshot.
    times: Vec<f64>,
    /// Each site's flat value in each snapshot (0 where it was absent).
    series: HashMap<Key, Vec<i64>>,
    places: HashMap<Key, Stat>,
}

/// A site that grew.
#[derive(Debug, Clone)]
pub struct Growth {
    pub site: Stat,
    pub first: i64,
    pub last: i64,
    /// Per second, from the first snapshot to the last.
    pub rate: f64,
}

impl Watch {
    pub fn add(&mut self, seconds: f64, stats: &[Stat]) {
        let n = self.times.len();
        self.times.push(seconds);
        for s in stats {
            let key = (s.function.clone(), s.file.clone(), s.line);
            let values = self.series.entry(key.clone()).or_insert_with(|| vec![0; n]);
            values.push(s.flat);
            self.places.insert(key, s.clone());
        }
        for values in self.series.values_mut() {
            if values.len() < n + 1 {
                values.push(0);
            }
        }
    }

    pub fn snapshots(&self) -> usize {
        self.times.len()
    }

    /// Sites that never shrank and grew in most intervals, the fastest first.
    pub fn growing(&self) -> Vec<Growth> {
        let n = self.times.len();
        if n < 2 {
            return Vec::new();
        }
        let span = self.times[n - 1] - self.times[0];
        let mut out: Vec<Growth> = self
            .series
            .iter()
            .filter_map(|(key, v)| {
                let shrank = v.windows(2).any(|w| w[1] < w[0]);
                let grew = v.windows(2).filter(|w| w[1] > w[0]).count();
                if shrank || grew * 2 < n - 1 || v[n - 1] <= v[0] {
                    return None;
                }
                Some(Growth {
                    site: self.places[key].clone(),
                    first: v[0],
                    last: v[n - 1],
                    rate: if span > 0.0 {
                        (v[n - 1] - v[0]) as f64 / span
                    } else {
                        0.0
                    },
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (b.last - b.first)
                .cmp(&(a.last - a.first))
                .then_with(|| a.site.function.cmp(&b.site.function))
        });
        out
    }
}
