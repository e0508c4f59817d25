//! A heap profile on the source: the editor names a profile (or a base and a current one) in
//! the settings, and each line of the workspace that holds a significant share of its live
//! memory (or of the growth) gets an inlay hint at its end, and the finding on such a line says
//! what the profile saw there. Hints follow edits: lines above an edit move, a line an edit
//! touches loses its hint (the profile is about the code as it was). A profile that changes on
//! disk is read again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tower_lsp_server::ls_types::*;

use crate::heap::{decode, mapping, report};
use crate::workspace::discover;

/// What the editor asked for: `heap_profile`, `heap_base_profile`, `heap_threshold`,
/// `heap_sample_type` in the `leakls` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct HeapSettings {
    pub profile: Option<PathBuf>,
    pub base: Option<PathBuf>,
    /// The share of the total (of the growth, with a base) a line must hold to get a hint.
    pub threshold: f64,
    pub sample_type: String,
}

impl Default for HeapSettings {
    fn default() -> Self {
        HeapSettings {
            profile: None,
            base: None,
            threshold: 0.01,
            sample_type: "inuse_space".to_string(),
        }
    }
}

/// Reads the heap settings from the editor's `leakls` settings (relative paths are relative to
/// the first workspace folder).
pub fn settings(value: &serde_json::Value, root: Option<&Path>) -> Result<HeapSettings, String> {
    let value = value.get("leakls").unwrap_or(value);
    let mut out = HeapSettings::default();
    let path = |key: &str| -> Result<Option<PathBuf>, String> {
        match value.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.is_empty() => Ok(None),
            Some(serde_json::Value::String(s)) => {
                let p = PathBuf::from(s);
                Ok(Some(match root {
                    Some(r) if p.is_relative() => r.join(p),
                    _ => p,
                }))
            }
            Some(other) => Err(format!("{key} must be a file path, not {other}")),
        }
    };
    out.profile = path("heap_profile")?;
    out.base = path("heap_base_profile")?;
    if out.base.is_some() && out.profile.is_none() {
        return Err("heap_base_profile needs heap_profile (the current profile)".to_string());
    }
    match value.get("heap_threshold") {
        None | Some(serde_json::Value::Null) => {}
        Some(v) => match v.as_f64() {
            Some(t) if (0.0..=1.0).contains(&t) => out.threshold = t,
            _ => {
                return Err(format!(
                    "heap_threshold must be a share from 0 to 1, not {v}"
                ))
            }
        },
    }
    match value.get("heap_sample_type") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(s))
            if matches!(
                s.as_str(),
                "inuse_space" | "inuse_objects" | "alloc_space" | "alloc_objects"
            ) =>
        {
            out.sample_type = s.clone()
        }
        Some(other) => {
            return Err(format!(
                "heap_sample_type must be inuse_space, inuse_objects, alloc_space or \
                 alloc_objects, not {other}"
            ))
        }
    }
    Ok(out)
}

/// One line's figure: its 0-based line and what the profile holds there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineFigure {
    pub line: u32,
    pub value: i64,
}

/// A loaded profile, as figures per workspace file.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub settings: HeapSettings,
    pub by_file: HashMap<PathBuf, Vec<LineFigure>>,
    pub unit: String,
    pub diff: bool,
    /// The profiles' modification times when they were read: a change reloads them.
    pub stamps: Vec<Option<SystemTime>>,
    /// Some frame of the current profile is in a workspace file (none: another program's).
    pub in_workspace: bool,
}

fn stamp(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl Overlay {
    /// Reads the profiles the settings name and maps them to the files under `folders`.
    /// Blocking: run it off the message loop.
    pub fn load(settings: &HeapSettings, folders: &[PathBuf]) -> Result<Option<Overlay>, String> {
        let Some(profile_path) = &settings.profile else {
            return Ok(None);
        };
        let stamps = std::iter::once(profile_path)
            .chain(settings.base.as_ref())
            .map(|p| stamp(p))
            .collect();
        let load = |path: &Path| -> Result<(decode::HeapProfile, usize), String> {
            let p = decode::read(path)?;
            let i = p.sample_index(&settings.sample_type).ok_or_else(|| {
                format!(
                    "{}: no sample type {}",
                    path.display(),
                    settings.sample_type
                )
            })?;
            Ok((p, i))
        };
        let (current, index) = load(profile_path)?;
        let found = discover::go_files(folders)?;
        let files: Vec<&str> = current.frames.iter().map(|f| f.file.as_str()).collect();
        let mut map = mapping::map_files(files, &found.files);
        let in_workspace = !map.is_empty();
        let base = match &settings.base {
            Some(b) => Some(load(b)?),
            None => None,
        };
        if let Some((base, _)) = &base {
            let files: Vec<&str> = base.frames.iter().map(|f| f.file.as_str()).collect();
            map.extend(mapping::map_files(files, &found.files));
        }
        let mine = |file: &str| map.contains_key(file);
        let mut lines = report::by_workspace_line(&current, index, mine);
        if let Some((base, base_index)) = &base {
            lines = report::diff(lines, report::by_workspace_line(base, *base_index, mine));
        }
        // Significant: a share of what all the workspace's lines hold (or gained).
        let whole: i64 = lines.iter().map(|s| s.flat.abs()).sum();
        let floor = (whole as f64 * settings.threshold).max(1.0);
        let mut by_file: HashMap<PathBuf, Vec<LineFigure>> = HashMap::new();
        for s in lines {
            if (s.flat.abs() as f64) < floor || s.line < 1 {
                continue;
            }
            let Some(path) = map.get(&s.file) else {
                continue;
            };
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            by_file.entry(path).or_default().push(LineFigure {
                line: (s.line - 1) as u32,
                value: s.flat,
            });
        }
        Ok(Some(Overlay {
            settings: settings.clone(),
            by_file,
            unit: current.sample_types[index].1.clone(),
            diff: base.is_some(),
            stamps,
            in_workspace,
        }))
    }

    /// A profile file changed on disk since it was read.
    pub fn stale(&self) -> bool {
        let paths = std::iter::once(self.settings.profile.as_ref())
            .chain(std::iter::once(self.settings.base.as_ref()))
            .flatten();
        paths.zip(&self.stamps).any(|(p, then)| stamp(p) != *then)
    }

    /// The hint's text for a value.
    pub fn label(&self, value: i64) -> String {
        let amount = amount(value, &self.unit);
        if self.diff {
            let sign = if value >= 0 { "+" } else { "" };
            format!("{sign}{amount} live since the base profile")
        } else {
            format!("{amount} live in the heap profile")
        }
    }

    /// What a finding on a line the profile holds memory on adds to its message.
    pub fn finding_note(&self, value: i64) -> String {
        let amount = amount(value, &self.unit);
        if self.diff {
            let sign = if value >= 0 { "+" } else { "" };
            format!(" ({sign}{amount} live between the two profiles)")
        } else {
            format!(" ({amount} live on this line in the heap profile)")
        }
    }
}

/// `12.3 MB` for bytes, `N objects` for counts.
fn amount(v: i64, unit: &str) -> String {
    if unit != "bytes" {
        return format!("{v} objects");
    }
    report::amount(v, unit, 1)
}

/// Moves the figures of a document through one edit: lines below it move by the lines it adds
/// or removes, lines it touches lose their figure. A change with no range (the whole text)
/// drops them all.
pub fn follow_edit(figures: &mut Vec<LineFigure>, change: &TextDocumentContentChangeEvent) {
    let Some(range) = change.range else {
        figures.clear();
        return;
    };
    let start = range.start.line;
    let end = range.end.line;
    let added = change.text.matches('\n').count() as i64;
    let delta = added - i64::from(end - start);
    // Lines inserted above a line (at its start, ending with a line break) leave it as it was.
    let insert_above =
        range.start == range.end && range.start.character == 0 && change.text.ends_with('\n');
    figures.retain_mut(|f| {
        if insert_above && f.line >= start {
            f.line = (i64::from(f.line) + added) as u32;
            return true;
        }
        if f.line < start {
            return true;
        }
        if f.line <= end {
            return false;
        }
        f.line = (i64::from(f.line) + delta).max(0) as u32;
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(sl, sc), Position::new(el, ec))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn figures_move_with_lines_added_above_and_drop_where_edited() {
        let mut f = vec![
            LineFigure { line: 3, value: 10 },
            LineFigure { line: 8, value: 20 },
        ];
        follow_edit(&mut f, &change(0, 0, 0, 0, "// a\n// b\n"));
        assert_eq!(f.iter().map(|x| x.line).collect::<Vec<_>>(), [5, 10]);
        follow_edit(&mut f, &change(5, 4, 5, 6, "xy"));
        assert_eq!(f.iter().map(|x| x.line).collect::<Vec<_>>(), [10]);
        follow_edit(&mut f, &change(6, 0, 8, 0, ""));
        assert_eq!(f.iter().map(|x| x.line).collect::<Vec<_>>(), [8]);
    }

    #[test]
    fn settings_are_checked() {
        let ok = settings(
            &serde_json::json!({"leakls": {"heap_profile": "p.pb.gz", "heap_threshold": 0.05}}),
            Some(Path::new("/w")),
        )
        .unwrap();
        assert_eq!(ok.profile, Some(PathBuf::from("/w/p.pb.gz")));
        assert!(settings(&serde_json::json!({"heap_threshold": 2}), None).is_err());
        assert!(settings(&serde_json::json!({"heap_base_profile": "b"}), None).is_err());
        assert!(settings(&serde_json::json!({"heap_sample_type": "cpu"}), None).is_err());
    }
}
