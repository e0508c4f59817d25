//! Reading a heap profile file: gzipped or not, decoded, checked, and turned into frames and
//! samples with their strings resolved. Every way a file can be wrong is an error that names
//! what was wrong; nothing here panics on a file's content.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use prost::Message;

use super::proto;

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 512 << 20;
/// A gzipped profile that inflates past this is refused (a decompression bomb).
pub const MAX_DECODED_BYTES: u64 = 1 << 30;

/// A decoded heap profile.
#[derive(Debug, Clone)]
pub struct HeapProfile {
    /// (type, unit) of each value of a sample: `inuse_space`/`bytes`, ...
    pub sample_types: Vec<(String, String)>,
    pub samples: Vec<Sample>,
    pub frames: Vec<Frame>,
    /// Each location's frames, the leaf (innermost inlined call) first: a range of
    /// `location_frames`.
    pub locations: Vec<std::ops::Range<u32>>,
    pub location_frames: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct Sample {
    /// Indexes into [`HeapProfile::locations`], the leaf first.
    pub locations: Vec<u32>,
    pub values: Vec<i64>,
}

/// One line of a call stack.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    pub function: String,
    /// As the profile has it: a build path or a module path.
    pub file: String,
    pub line: i64,
    /// Inlined into the frame after it (pprof prints "(inline)").
    pub inlined: bool,
}

impl HeapProfile {
    /// A sample's frames (indexes into [`HeapProfile::frames`]), the leaf first, inlined calls
    /// expanded.
    pub fn stack<'a>(&'a self, sample: &'a Sample) -> impl Iterator<Item = u32> + 'a {
        sample.locations.iter().flat_map(move |l| {
            let r = self.locations[*l as usize].clone();
            self.location_frames[r.start as usize..r.end as usize]
                .iter()
                .copied()
        })
    }

    /// The index of the sample type named `name` (`inuse_space`, `alloc_objects`, ...).
    pub fn sample_index(&self, name: &str) -> Option<usize> {
        self.sample_types.iter().position(|(t, _)| t == name)
    }
}

/// Each location's index in [`HeapProfile::locations`], by location id: a table indexed by the id when the ids
/// are dense (Go numbers them 1, 2, 3...), a map otherwise.
enum LocationSlots {
    Dense(Vec<Option<u32>>),
    Sparse(HashMap<u64, u32>),
}

impl LocationSlots {
    fn new(locations: &[proto::Location]) -> LocationSlots {
        let max = locations.iter().map(|l| l.id).max().unwrap_or(0);
        if max <= 4 * locations.len() as u64 + 16 {
            LocationSlots::Dense(vec![None; max as usize + 1])
        } else {
            LocationSlots::Sparse(HashMap::with_capacity(locations.len()))
        }
    }

    fn insert(&mut self, id: u64, index: u32) {
        match self {
            LocationSlots::Dense(v) => v[id as usize] = Some(index),
            LocationSlots::Sparse(m) => {
                m.insert(id, index);
            }
        }
    }

    fn get(&self, id: u64) -> Option<u32> {
        match self {
            LocationSlots::Dense(v) => *v.get(usize::try_from(id).ok()?)?,
            LocationSlots::Sparse(m) => m.get(&id).copied(),
        }
    }
}

/// Reads and decodes the profile at `path`.
pub fn read(path: &Path) -> Result<HeapProfile, String> {
    let shown = path.display();
    let bytes = read_bounded(path).map_err(|e| format!("{shown}: {e}"))?;
    decode(&bytes).map_err(|e| format!("{shown}: {e}"))
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} MiB, larger than the {} MiB leakls reads",
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Decodes a profile from its bytes, gzipped or not.
pub fn decode(bytes: &[u8]) -> Result<HeapProfile, String> {
    if bytes.is_empty() {
        return Err("empty file, not a profile".to_string());
    }
    let raw;
    let data = if bytes.starts_with(&[0x1f, 0x8b]) {
        // The gzip trailer's size (modulo 4 GiB) sizes the buffer once, not by doubling.
        let trailer = bytes
            .len()
            .checked_sub(4)
            .map(|at| u32::from_le_bytes(bytes[at..].try_into().expect("four bytes")) as u64);
        let hint = trailer.unwrap_or(0).min(MAX_DECODED_BYTES) as usize;
        let mut out = Vec::with_capacity(hint);
        flate2::read::MultiGzDecoder::new(bytes)
            .take(MAX_DECODED_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("not a valid gzip stream ({e}): truncated or corrupted"))?;
        if out.len() as u64 > MAX_DECODED_BYTES {
            return Err(format!(
                "inflates to more than {} MiB: not a profile leakls reads",
                MAX_DECODED_BYTES >> 20
            ));
        }
        raw = out;
        &raw[..]
    } else {
        bytes
    };
    let profile = proto::Profile::decode(data).map_err(|e| {
        format!("not a pprof profile (profile.proto): {e}; truncated, corrupted, or another format")
    })?;
    resolve(profile)
}

fn resolve(p: proto::Profile) -> Result<HeapProfile, String> {
    let strings = &p.string_table;
    if strings.first().is_some_and(|s| !s.is_empty()) {
        return Err("its string table does not start with \"\": not a pprof profile".to_string());
    }
    let string = |i: i64| -> Result<String, String> {
        usize::try_from(i)
            .ok()
            .and_then(|i| strings.get(i))
            .cloned()
            .ok_or_else(|| format!("a string index ({i}) past its string table: corrupted"))
    };
    let sample_types = p
        .sample_type
        .iter()
        .map(|t| Ok((string(t.r#type)?, string(t.unit)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let heap = sample_types
        .iter()
        .any(|(t, _)| matches!(t.as_str(), "inuse_space" | "alloc_space"));
    if !heap {
        let types: Vec<String> = sample_types
            .iter()
            .map(|(t, u)| format!("{t}/{u}"))
            .collect();
        return Err(format!(
            "not a heap profile: its samples are {} (a heap profile has inuse_space and \
             alloc_space)",
            if types.is_empty() {
                "of no type".to_string()
            } else {
                types.join(", ")
            }
        ));
    }
    let mut functions: HashMap<u64, (String, String)> = HashMap::new();
    for f in &p.function {
        functions.insert(f.id, (string(f.name)?, string(f.filename)?));
    }
    let mut frames: Vec<Frame> = Vec::new();
    let mut frame_ids: HashMap<Frame, u32> = HashMap::new();
    // Each location's frames, as a range of `location_frames`; found by id through `slots`.
    let mut location_frames: Vec<u32> = Vec::new();
    let mut locations: Vec<std::ops::Range<u32>> = Vec::with_capacity(p.location.len());
    let mut slots = LocationSlots::new(&p.location);
    for loc in &p.location {
        let start = location_frames.len();
        let ids = &mut location_frames;
        for (i, line) in loc.line.iter().enumerate() {
            let (function, file) = functions.get(&line.function_id).cloned().ok_or_else(|| {
                format!(
                    "location {} names function {}, which it does not hold: corrupted",
                    loc.id, line.function_id
                )
            })?;
            let frame = Frame {
                function,
                file,
                line: line.line,
                inlined: i + 1 < loc.line.len(),
            };
            let next = frames.len() as u32;
            let id = *frame_ids.entry(frame.clone()).or_insert(next);
            if id == next {
                frames.push(frame);
            }
            ids.push(id);
        }
        if ids.len() == start {
            // An address with no symbol: pprof shows the address; here it is unmapped.
            let frame = Frame {
                function: format!("{:#x}", loc.address),
                file: String::new(),
                line: 0,
                inlined: false,
            };
            let next = frames.len() as u32;
            let id = *frame_ids.entry(frame.clone()).or_insert(next);
            if id == next {
                frames.push(frame);
            }
            ids.push(id);
        }
        slots.insert(loc.id, locations.len() as u32);
        locations.push(start as u32..location_frames.len() as u32);
    }
    let width = sample_types.len();
    let mut samples = Vec::with_capacity(p.sample.len());
    for s in p.sample {
        if s.value.len() != width {
            return Err(format!(
                "a sample has {} values for {} sample types: corrupted",
                s.value.len(),
                width
            ));
        }
        let stack = s
            .location_id
            .iter()
            .map(|id| {
                slots.get(*id).ok_or_else(|| {
                    format!("a sample names location {id}, which it does not hold: corrupted")
                })
            })
            .collect::<Result<Vec<u32>, String>>()?;
        samples.push(Sample {
            locations: stack,
            values: s.value,
        });
    }
    Ok(HeapProfile {
        sample_types,
        samples,
        frames,
        locations,
        location_frames,
    })
}
