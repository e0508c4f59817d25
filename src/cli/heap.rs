//! `leakls heap PROFILE [--base PROFILE]`: the lines and functions of the workspace that hold
//! the most live memory in a heap profile, or that grew the most since a base profile, with
//! the figures `go tool pprof -top -lines [-diff_base]` gives.

use std::path::PathBuf;

use serde_json::json;

use crate::heap::decode::{self, HeapProfile};
use crate::heap::mapping;
use crate::heap::report::{self, Stat};
use crate::workspace::discover;

const USAGE: &str = "usage: leakls heap [--base PROFILE] [--sample-type TYPE] [--top N] \
[--format text|json] [--workspace DIR]... PROFILE
Prints the lines and functions that hold the most memory in a Go heap profile (gzipped or not),
or with --base that grew the most since the base profile, mapped to the Go files under each
--workspace folder (default: .).
  --sample-type  inuse_space (default), inuse_objects, alloc_space or alloc_objects
  --top          how many lines and functions to print (default 20; 0: all)
Exit status: 0 on success, 2 on an error (a file that is not a heap profile says why).";

struct Options {
    profile: PathBuf,
    base: Option<PathBuf>,
    sample_type: String,
    top: usize,
    json: bool,
    workspace: Vec<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut profile = None;
    let mut base = None;
    let mut sample_type = "inuse_space".to_string();
    let mut top = 20;
    let mut json = false;
    let mut workspace = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or(format!("{name} needs a value"))
        };
        match flag {
            "--base" => base = Some(PathBuf::from(value("--base")?)),
            "--sample-type" | "--sample_index" => sample_type = value("--sample-type")?,
            "--top" => {
                top = value("--top")?
                    .parse()
                    .map_err(|_| "--top needs a number".to_string())?
            }
            "--format" => match value("--format")?.as_str() {
                "text" => json = false,
                "json" => json = true,
                other => return Err(format!("unknown format {other:?}: text or json")),
            },
            "--workspace" => workspace.push(PathBuf::from(value("--workspace")?)),
            "-h" | "--help" => return Err(String::new()),
            f if f.starts_with('-') => return Err(format!("unknown flag {f}")),
            _ if profile.is_none() => profile = Some(PathBuf::from(arg)),
            _ => return Err(format!("one profile at a time ({arg:?} is a second)")),
        }
    }
    if workspace.is_empty() {
        workspace.push(PathBuf::from("."));
    }
    Ok(Options {
        profile: profile.ok_or("no profile given")?,
        base,
        sample_type,
        top,
        json,
        workspace,
    })
}

pub fn run(args: &[String]) -> i32 {
    let options = match parse(args) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return super::EXIT_CLEAN;
        }
        Err(e) => {
            eprintln!("leakls heap: {e}\n{USAGE}");
            return super::EXIT_ERROR;
        }
    };
    match report_for(&options) {
        Ok(text) => {
            print!("{text}");
            super::EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("leakls heap: {e}");
            super::EXIT_ERROR
        }
    }
}

/// A profile, and the index of the sample type asked for.
fn load(path: &std::path::Path, sample_type: &str) -> Result<(HeapProfile, usize), String> {
    let profile = decode::read(path)?;
    let index = profile.sample_index(sample_type).ok_or_else(|| {
        let types: Vec<&str> = profile
            .sample_types
            .iter()
            .map(|(t, _)| t.as_str())
            .collect();
        format!(
            "{}: no sample type {sample_type:?} (it has {})",
            path.display(),
            types.join(", ")
        )
    })?;
    Ok((profile, index))
}

fn report_for(o: &Options) -> Result<String, String> {
    let (current, index) = load(&o.profile, &o.sample_type)?;
    let unit = current.sample_types[index].1.clone();
    let (mut lines, mut functions) = report::by_line_and_function(&current, index);
    let mut total = report::total(&current, index);
    let base = match &o.base {
        Some(path) => Some(load(path, &o.sample_type)?),
        None => None,
    };
    if let Some((base, base_index)) = &base {
        let (base_lines, base_functions) = report::by_line_and_function(base, *base_index);
        lines = report::diff(lines, base_lines);
        functions = report::diff(functions, base_functions);
        total -= report::total(base, *base_index);
    }
    report::sort(&mut lines);
    report::sort(&mut functions);

    let found = discover::go_files(&o.workspace)?;
    let files: Vec<&str> = lines.iter().map(|s| s.file.as_str()).collect();
    let map = mapping::map_files(files, &found.files);
    let (unmapped, samples) = unmapped_samples(&current, index, &map);
    // The workspace's own lines: what each allocates, through whatever it calls.
    let mine = |file: &str| map.contains_key(file);
    let mut workspace = report::by_workspace_line(&current, index, mine);
    if let Some((base, base_index)) = &base {
        workspace = report::diff(workspace, report::by_workspace_line(base, *base_index, mine));
    }
    report::sort(&mut workspace);

    let take = |v: &[Stat]| -> Vec<Stat> {
        let n = if o.top == 0 {
            v.len()
        } else {
            o.top.min(v.len())
        };
        v[..n].to_vec()
    };
    let lines = take(&lines);
    let functions = take(&functions);
    let workspace = take(&workspace);
    if o.json {
        let row = |s: &Stat| {
            json!({
                "function": s.function,
                "file": s.file,
                "line": s.line,
                "inline": s.inlined,
                "flat": s.flat,
                "cum": s.cum,
                "workspace_file": map.get(&s.file).map(|p| p.display().to_string()),
            })
        };
        let out = json!({
            "sample_type": o.sample_type,
            "unit": unit,
            "total": total,
            "diff": o.base.is_some(),
            "samples": samples,
            "unmapped_samples": unmapped,
            "workspace_lines": workspace.iter().map(row).collect::<Vec<_>>(),
            "lines": lines.iter().map(row).collect::<Vec<_>>(),
            "functions": functions.iter().map(row).collect::<Vec<_>>(),
        });
        return Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&out).expect("json")
        ));
    }
    let mut text = String::new();
    let what = if o.base.is_some() {
        format!("{} growth since the base profile", o.sample_type)
    } else {
        o.sample_type.clone()
    };
    text.push_str(&format!(
        "{what}: {} total; {unmapped} of {samples} samples have no frame in the workspace\n\n",
        amount(total, &unit)
    ));
    text.push_str(&table(
        "workspace lines (flat: what the line allocates, through what it calls)",
        &workspace,
        total,
        &unit,
        &map,
    ));
    text.push('\n');
    text.push_str(&table("lines", &lines, total, &unit, &map));
    text.push('\n');
    text.push_str(&table("functions", &functions, total, &unit, &map));
    Ok(text)
}

/// Samples with a value of the chosen type and no frame in a workspace file.
fn unmapped_samples(
    profile: &HeapProfile,
    index: usize,
    map: &std::collections::HashMap<String, PathBuf>,
) -> (usize, usize) {
    let mut unmapped = 0;
    let mut counted = 0;
    for s in &profile.samples {
        if s.values.get(index).copied().unwrap_or(0) == 0 {
            continue;
        }
        counted += 1;
        let mapped = profile
            .stack(s)
            .any(|f| map.contains_key(&profile.frames[f as usize].file));
        unmapped += usize::from(!mapped);
    }
    (unmapped, counted)
}

fn table(
    title: &str,
    rows: &[Stat],
    total: i64,
    unit: &str,
    map: &std::collections::HashMap<String, PathBuf>,
) -> String {
    let mut out = format!(
        "{:>10} {:>7} {:>7} {:>10} {:>7}  {title}\n",
        "flat", "flat%", "sum%", "cum", "cum%"
    );
    let percent = |v: i64| {
        if total == 0 {
            0.0
        } else {
            100.0 * v as f64 / total as f64
        }
    };
    let mut sum = 0;
    for r in rows {
        sum += r.flat;
        let file = map
            .get(&r.file)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| r.file.clone());
        let place = if r.line > 0 {
            format!("{} {file}:{}", r.function, r.line)
        } else {
            format!("{} {file}", r.function)
        };
        out.push_str(&format!(
            "{:>10} {:>6.2}% {:>6.2}% {:>10} {:>6.2}%  {place}{}\n",
            amount(r.flat, unit),
            percent(r.flat),
            percent(sum),
            amount(r.cum, unit),
            percent(r.cum),
            if r.inlined { " (inline)" } else { "" }
        ));
    }
    out
}

/// `12.3 MB` for bytes, the plain count otherwise.
fn amount(v: i64, unit: &str) -> String {
    if unit != "bytes" {
        return v.to_string();
    }
    let a = v.unsigned_abs() as f64;
    let sign = if v < 0 { "-" } else { "" };
    match a {
        a if a >= 1e9 => format!("{sign}{:.2} GB", a / 1e9),
        a if a >= 1e6 => format!("{sign}{:.2} MB", a / 1e6),
        a if a >= 1e3 => format!("{sign}{:.2} kB", a / 1e3),
        _ => format!("{v} B"),
    }
}
