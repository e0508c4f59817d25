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
       leakls heap --url http://127.0.0.1:PORT/debug/pprof/heap [--every 10s] [--count N] ...
Prints the lines and functions that hold the most memory in a Go heap profile (gzipped or not),
or with --base that grew the most since the base profile, mapped to the Go files under each
--workspace folder (default: .).
  --sample-type  inuse_space (default), inuse_objects, alloc_space or alloc_objects
  --top          how many lines and functions to print (default 20; 0: all)
  --url          take snapshots of a running service's heap (loopback addresses only) and
                 print, after each, the workspace lines whose live memory keeps growing
  --every        the time between snapshots (default 10s); --count stops after N snapshots
Exit status: 0 on success, 2 on an error (a file that is not a heap profile says why).";

struct Options {
    profile: PathBuf,
    url: Option<String>,
    every: std::time::Duration,
    count: usize,
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
    let mut url = None;
    let mut every = std::time::Duration::from_secs(10);
    let mut count = 0;
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
            "--url" => url = Some(value("--url")?),
            "--every" => every = duration(&value("--every")?)?,
            "--count" => {
                count = value("--count")?
                    .parse()
                    .map_err(|_| "--count needs a number".to_string())?
            }
            "-h" | "--help" => return Err(String::new()),
            f if f.starts_with('-') => return Err(format!("unknown flag {f}")),
            _ if profile.is_none() => profile = Some(PathBuf::from(arg)),
            _ => return Err(format!("one profile at a time ({arg:?} is a second)")),
        }
    }
    if workspace.is_empty() {
        workspace.push(PathBuf::from("."));
    }
    if url.is_some() && (profile.is_some() || base.is_some()) {
        return Err("--url takes snapshots itself: no profile file with it".to_string());
    }
    Ok(Options {
        profile: match (&url, profile) {
            (Some(_), _) => PathBuf::new(),
            (None, p) => p.ok_or("no profile given")?,
        },
        url,
        every,
        count,
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
    if options.url.is_some() {
        return match watch(&options) {
            Ok(()) => super::EXIT_CLEAN,
            Err(e) => {
                eprintln!("leakls heap: {e}");
                super::EXIT_ERROR
            }
        };
    }
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
    if samples > 0 && unmapped == samples {
        let folders: Vec<String> = o
            .workspace
            .iter()
            .map(|w| w.display().to_string())
            .collect();
        eprintln!(
            "leakls heap: {}: none of its {samples} samples has a frame in the Go files under {}: \
             a profile of another program, or another --workspace?",
            o.profile.display(),
            folders.join(", ")
        );
    }
    // The workspace's own lines: what each allocates, through whatever it calls.
    let mine = |file: &str| map.contains_key(file);
    let mut workspace = report::by_workspace_line(&current, index, mine);
    if let Some((base, base_index)) = &base {
        workspace = report::diff(
            workspace,
            report::by_workspace_line(base, *base_index, mine),
        );
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

/// `10s`, `500ms`, `2m`.
fn duration(text: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("{text:?} is not a duration (10s, 500ms, 2m)");
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| text.split_at(i))
        .ok_or_else(bad)?;
    let n: f64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(bad()),
    };
    if !(0.05..=86_400.0).contains(&seconds) {
        return Err(format!("{text:?}: between 50ms and 24h"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// `--url`: a snapshot every `--every`, and after each the workspace lines whose live memory
/// keeps growing, with their rate.
fn watch(o: &Options) -> Result<(), String> {
    use std::io::Write;
    let url = crate::heap::fetch::parse_url(o.url.as_deref().expect("checked by the caller"))?;
    let found = discover::go_files(&o.workspace)?;
    let mut series = crate::heap::watch::Watch::default();
    let started = std::time::Instant::now();
    let mut first_total = None;
    let mut n = 0;
    loop {
        let profile = crate::heap::fetch::fetch(&url)?;
        let index = profile
            .sample_index(&o.sample_type)
            .ok_or_else(|| format!("the profile has no sample type {:?}", o.sample_type))?;
        let unit = profile.sample_types[index].1.clone();
        let files: Vec<&str> = profile.frames.iter().map(|f| f.file.as_str()).collect();
        let map = mapping::map_files(files, &found.files);
        let mine = |file: &str| map.contains_key(file);
        let lines = report::by_workspace_line(&profile, index, mine);
        let total = report::total(&profile, index);
        let seconds = started.elapsed().as_secs_f64();
        series.add(seconds, &lines);
        n += 1;
        let first = *first_total.get_or_insert(total);
        let growing = series.growing();
        let growing = &growing[..growing
            .len()
            .min(if o.top == 0 { usize::MAX } else { o.top })];
        let mut out = String::new();
        if o.json {
            let rows: Vec<serde_json::Value> = growing
                .iter()
                .map(|g| {
                    json!({
                        "function": g.site.function,
                        "file": g.site.file,
                        "line": g.site.line,
                        "workspace_file": map.get(&g.site.file).map(|p| p.display().to_string()),
                        "first": g.first,
                        "last": g.last,
                        "rate_per_second": g.rate,
                    })
                })
                .collect();
            out.push_str(
                &json!({
                    "snapshot": n,
                    "seconds": seconds,
                    "total": total,
                    "unit": unit,
                    "growing": rows,
                })
                .to_string(),
            );
            out.push('\n');
        } else {
            out.push_str(&format!(
                "snapshot {n} at +{seconds:.1} s: {} {} ({} since the first)\n",
                amount(total, &unit),
                o.sample_type,
                signed(total - first, &unit)
            ));
            if series.snapshots() >= 2 {
                if growing.is_empty() {
                    out.push_str("  no workspace line grew in every snapshot so far\n");
                }
                for g in growing {
                    let file = map
                        .get(&g.site.file)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| g.site.file.clone());
                    out.push_str(&format!(
                        "  {:>12}/s {:>12} now {:>10}  {} {file}:{}\n",
                        signed(g.rate as i64, &unit),
                        signed(g.last - g.first, &unit),
                        amount(g.last, &unit),
                        g.site.function,
                        g.site.line
                    ));
                }
            }
        }
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(out.as_bytes())
            .map_err(|e| e.to_string())?;
        stdout.flush().map_err(|e| e.to_string())?;
        if o.count != 0 && n >= o.count {
            return Ok(());
        }
        std::thread::sleep(o.every);
    }
}

fn signed(v: i64, unit: &str) -> String {
    if v >= 0 {
        format!("+{}", amount(v, unit))
    } else {
        amount(v, unit)
    }
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

/// `12.34 MB` for bytes, the plain count otherwise.
fn amount(v: i64, unit: &str) -> String {
    report::amount(v, unit, 2)
}
