//! `unstopped-ticker` for tickers kept in struct fields: `s.flush = time.NewTicker(d)` or
//! `&Stats{flush: time.NewTicker(d)}`, where nothing in the package ever calls `Stop` on that
//! field. The type's `Close` or `Stop` method, often in another file, is where it belongs.
//!
//! Fields are matched by name across the package: a `x.flush.Stop()` anywhere, or the field's
//! ticker handed to other code (`stop(s.flush)`, `return s.flush`), silences the check.

use std::collections::HashSet;

use super::super::fix::{Edit, Fix};
use super::super::module::{ModuleFile, ModuleIndex};
use super::super::summary::{BodyLayout, Method};
use crate::analysis::{Code, FileContext, Finding};

pub fn check(file: &ModuleFile, ctx: &FileContext, index: &dyn ModuleIndex) -> Vec<Finding> {
    let Some(severity) = ctx.timer_severity() else {
        return Vec::new();
    };
    let fields: Vec<_> = file
        .summary
        .iter()
        .flat_map(|(start, _, d)| d.ticker_fields.iter().map(move |t| (start, t)))
        .collect();
    if fields.is_empty() {
        return Vec::new();
    }
    let mut package = index.package_files(&file.package_path);
    if !package.iter().any(|f| f.path == file.path) {
        package.push(std::sync::Arc::new(file.clone()));
    }
    // A test's Stop does not stop the ticker in production; a test's own fields count its own.
    let evidence: Vec<_> = package
        .iter()
        .filter(|f| file.is_test() || !f.is_test())
        .collect();
    let mut handled: HashSet<&str> = HashSet::new();
    for f in &evidence {
        for (_, _, d) in f.summary.iter() {
            handled.extend(d.stopped_fields.iter().map(String::as_str));
            handled.extend(d.escaped_fields.iter().map(String::as_str));
        }
    }
    let why = if ctx.go.timers_collected() {
        "since Go 1.23 the runtime collects it once the value is unreferenced, but Stop releases it at once"
    } else {
        "before Go 1.23 the runtime never frees an unstopped ticker, so every value of this type leaks one"
    };
    let mut findings = Vec::new();
    for (start, field) in fields {
        if handled.contains(field.field.as_str()) {
            continue;
        }
        let owner = field.owner.as_deref();
        let shown = match owner {
            Some(t) => format!("{t}.{}", field.field),
            None => field.field.clone(),
        };
        let all_in_literals = package.iter().all(|f| {
            f.summary.iter().all(|(_, _, d)| {
                d.ticker_fields
                    .iter()
                    .filter(|t| t.field == field.field)
                    .all(|t| t.in_literal)
            })
        });
        let fixes = owner
            .and_then(|t| close_method(&package, t))
            .and_then(|(other, method, decl_start)| {
                // An edit in the analysed file itself names no file.
                let elsewhere = (other.path != file.path).then(|| other.path.clone());
                let mut fix = stop_in_method(
                    elsewhere.clone(),
                    &method,
                    decl_start,
                    &field.field,
                    all_in_literals,
                )?;
                if elsewhere.is_some() {
                    for e in &mut fix.edits {
                        e.base = other.disk_hash;
                    }
                }
                Some(fix)
            })
            .into_iter()
            .collect();
        findings.push(Finding {
            range: start + field.call.start..start + field.call.end,
            code: Code::UnstoppedTicker,
            severity,
            message: format!(
                "the ticker in field `{shown}` is never stopped: nothing in the package calls Stop on it; {why}"
            ),
            related: Vec::new(),
            fixes,
        });
    }
    findings
}

/// The type's `Close` method, else its `Stop` method: (file, method, start of its declaration).
fn close_method(
    package: &[std::sync::Arc<ModuleFile>],
    owner: &str,
) -> Option<(std::sync::Arc<ModuleFile>, Method, usize)> {
    for wanted in ["Close", "Stop"] {
        for f in package.iter().filter(|f| !f.is_test()) {
            for (start, _, d) in f.summary.iter() {
                if let Some(m) = d
                    .methods
                    .iter()
                    .find(|m| m.receiver_type == owner && m.name == wanted)
                {
                    return Some((f.clone(), m.clone(), start));
                }
            }
        }
    }
    None
}

/// `recv.field.Stop()` as the first statement of the method after its leading guards, guarded by a nil check unless
/// every value is made with the ticker in place (a composite literal).
fn stop_in_method(
    path: Option<std::path::PathBuf>,
    method: &Method,
    decl_start: usize,
    field: &str,
    always_set: bool,
) -> Option<Fix> {
    let receiver = method.receiver_name.as_deref()?;
    let stop = format!("{receiver}.{field}.Stop()");
    let lines: Vec<String> = if always_set {
        vec![format!("\t{stop}")]
    } else {
        vec![
            format!("\tif {receiver}.{field} != nil {{"),
            format!("\t\t{stop}"),
            "\t}".to_string(),
        ]
    };
    // After the method's leading guards (`if c == nil { return }`), else after its `{`.
    let at = decl_start + method.after_guards.unwrap_or(method.body.start + 1);
    let text = match method.body_layout {
        BodyLayout::Lines => format!("\n{}", lines.join("\n")),
        BodyLayout::Empty => format!("\n{}\n", lines.join("\n")),
        BodyLayout::OneLine => return None, // gofmt would not keep it that way anyway
    };
    let mut edit = Edit::insert(at, text);
    edit.file = path;
    Some(Fix {
        title: format!(
            "Stop the ticker in {}.{}: {stop}",
            method.receiver_type, method.name
        ),
        edits: vec![edit],
    })
}
