//! What the fixture convention cannot say: the related locations of `global-growth`, which list
//! every growth site of a global (file and range), across files and packages.

use std::path::{Path, PathBuf};

use leakls::analysis::{Code, Finding};
use leakls::workspace::{batch, discover};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata/src")
        .join(name)
}

fn growth_of<'a>(batch: &'a batch::Batch, source: &str, name: &str) -> &'a Finding {
    batch
        .reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .find(|(r, f)| f.code == Code::GlobalGrowth && r.source.get(f.range.clone()) == Some(name))
        .map(|(_, f)| f)
        .unwrap_or_else(|| panic!("no global-growth finding on {name} in {source}"))
}

/// Each related location as (file relative to the fixture, the text it covers).
fn sites(root: &Path, declared_in: &Path, finding: &Finding) -> Vec<(String, String)> {
    finding
        .related
        .iter()
        .map(|r| {
            let path = r.path.clone().unwrap_or_else(|| declared_in.to_path_buf());
            let text = std::fs::read_to_string(&path).unwrap();
            (
                path.strip_prefix(root).unwrap().display().to_string(),
                text[r.range.clone()].to_string(),
            )
        })
        .collect()
}

#[test]
fn related_information_lists_every_growth_site() {
    let root = fixture("globalpos");
    let files = discover::go_files(std::slice::from_ref(&root))
        .unwrap()
        .files;
    let batch = batch::analyze_files(&files);
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    let registry = root.join("registry/registry.go");

    let sessions = growth_of(&batch, "registry.go", "sessions");
    assert_eq!(
        sites(&root, &registry, sessions),
        [
            (
                "registry/handler.go".to_string(),
                "sessions[id] = &Conn{ID: id, Addr: addr}".to_string()
            ),
            (
                "registry/handler.go".to_string(),
                "sessions[id] = c".to_string()
            ),
            (
                "registry/handler.go".to_string(),
                "sessions[c.ID] = v.(*Conn)".to_string()
            ),
        ]
    );
    assert!(sessions
        .related
        .iter()
        .all(|r| r.message.contains("`sessions`")));
    assert!(
        sessions.fixes.is_empty(),
        "global-growth has no automatic fix"
    );

    // Grown from two packages; the first site is the one in the other package.
    let log = growth_of(&batch, "registry.go", "Log");
    assert_eq!(
        sites(&root, &registry, log),
        [
            (
                "api/api.go".to_string(),
                "reg.Log = append(reg.Log, \"hello \"+id)".to_string()
            ),
            (
                "registry/handler.go".to_string(),
                "Log = append(Log, fmt.Sprint(\"renamed \", c.ID))".to_string()
            ),
        ]
    );
    assert!(log
        .message
        .contains("2 places add to it, the first at ../api/api.go:19 on every request"));

    let byaddr = growth_of(&batch, "registry.go", "byAddr");
    assert_eq!(
        sites(&root, &registry, byaddr),
        [(
            "registry/handler.go".to_string(),
            "byAddr.Store(addr.String(), c)".to_string()
        )]
    );
}
