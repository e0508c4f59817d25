//! The fuzz targets' checks under plain `cargo test`: every input saved under
//! `tests/fuzz-regressions/<target>/` (a crash the fuzzer found, minimised) replays through the
//! same code as the target that found it, and a few inputs picked by hand for their nastiness
//! run too. The checks themselves live in `fuzz/src/lib.rs`, shared with the fuzz targets.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

use harness::{Change, EditScript};
use leakls::server::convert::Encoding;

/// Runs every saved input of one target; returns how many there were.
fn replay(target: &str, run: impl Fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in &paths {
        eprintln!("replaying {}", path.display());
        run(&std::fs::read(path).unwrap());
    }
    paths.len()
}

#[test]
fn saved_fuzz_inputs_replay() {
    let n = replay("analyze_bytes", |data| {
        harness::analyze_bytes(data);
    }) + replay("analyze_mutated_go", |data| {
        harness::analyze_bytes(data);
    }) + replay("document_edits", harness::document_edits);
    eprintln!("{n} saved inputs");
}

#[test]
fn deep_nesting_neither_overflows_nor_hangs() {
    let depth = 100_000;
    let parens = format!(
        "package p\n\nvar x = {}1{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    harness::analyze_bytes(parens.as_bytes());
    let unclosed = format!("package p\n\nfunc f() {{ {}", "{".repeat(depth));
    harness::analyze_bytes(unclosed.as_bytes());
    let loops = format!(
        "package p\n\nimport \"time\"\n\nfunc f() {{\n{}<-time.After(time.Second)\n{}}}\n",
        "for {\n".repeat(2_000),
        "}\n".repeat(2_000)
    );
    harness::analyze_bytes(loops.as_bytes());
}

#[test]
fn invalid_utf8_and_odd_bytes_are_analysed_lossily() {
    for input in [
        &b"package p\n\nimport \"time\"\n\nfunc f() { t := time.NewTicker(\xff\xc3); _ = t }\n"[..],
        b"\xef\xbb\xbfpackage p\r\n\r\nfunc f() {\r\tfor range time.Tick(1) {}\r}\r",
        b"\0\0\0",
        b"\r",
        b"//leakls:ignore\n//leakls:file-ignore time-tick\n",
        b"package p\n//file ../../etc/passwd\npackage q\n//file \n//file a.go\n",
    ] {
        harness::analyze_bytes(input);
    }
}

/// Every fixture module as one input, its files joined by `//file` lines as `fuzz/seed.sh` joins
/// them: the harness must reach the checks, the cross-file ones included (global-growth in
/// `globalpos` needs the other files).
#[test]
fn fixture_modules_reach_the_checks() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/src");
    let mut modules: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    modules.sort();
    let mut total = 0;
    for module in &modules {
        let found = harness::analyze_bytes(joined_module(module).as_bytes());
        if module.ends_with("globalpos") {
            assert!(found > 0, "no findings in {}", module.display());
        }
        total += found;
    }
    assert!(
        total > modules.len(),
        "{total} findings in {} modules",
        modules.len()
    );
}

fn joined_module(module: &Path) -> String {
    let name = module.file_name().unwrap().to_str().unwrap();
    let mut files = Vec::new();
    let mut dirs = vec![module.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "go") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut input = String::new();
    for path in &files {
        let rel = path.strip_prefix(module).unwrap().display().to_string();
        let text = std::fs::read_to_string(path)
            .unwrap()
            .replace(&format!("leakls.test/{name}"), "leakls.test/m");
        input.push_str(&format!("{}{rel}\n{text}", harness::FILE_MARKER));
    }
    input
}

fn script(text: &str, encoding: Encoding, notifications: Vec<Vec<Change>>) -> EditScript {
    EditScript {
        text: text.to_string(),
        encoding,
        notifications,
    }
}

#[test]
fn edits_around_line_breaks() {
    let text = "package p\r\n\r\nvar a = 1 // x\rvar b = 2\r\n";
    for enc in [Encoding::Utf16, Encoding::Utf8] {
        harness::run_script(&script(
            text,
            enc,
            vec![
                // Past the end of a CRLF line: before its `\r`.
                vec![Change::replace((0, 99), (0, 99), "\n")],
                // After a lone `\r`: a `\n` there joins it into one CRLF break.
                vec![Change::replace((4, 0), (4, 0), "\n")],
                // Deleting what separates a `\r` and a `\n`.
                vec![Change::replace((3, 9), (3, 14), "\r")],
                vec![Change::replace((4, 0), (4, 9), "")],
                vec![Change::replace((0, 0), (9, 0), "x")],
                // A line break split by the edits of one notification.
                vec![
                    Change::replace((0, 0), (0, 0), "\r"),
                    Change::replace((1, 0), (1, 0), "\n"),
                    Change::replace((0, 0), (0, 1), ""),
                ],
            ],
        ));
    }
    harness::run_script(&script(
        "\r\r\n\n\r",
        Encoding::Utf16,
        vec![
            vec![Change::replace((1, 0), (2, 0), "\r")],
            vec![Change::replace((0, 0), (0, 0), "\n")],
            vec![Change {
                range: None,
                text: "\r\n\r".into(),
            }],
            vec![Change::replace((1, 0), (1, 0), "\n")],
        ],
    ));
}

#[test]
fn positions_inside_characters() {
    let text = "package p\n\n// é😀é\nvar s = \"😀\"\n";
    harness::run_script(&script(
        text,
        Encoding::Utf16,
        vec![
            // Between the halves of the surrogate pair: the emoji's start.
            vec![Change::replace((2, 5), (2, 5), "x")],
            vec![Change::replace((3, 10), (3, 11), "")],
            vec![Change::replace((2, 6), (2, 4), "y")],
        ],
    ));
    harness::run_script(&script(
        text,
        Encoding::Utf8,
        vec![
            // Inside the bytes of `é` and of the emoji.
            vec![Change::replace((2, 4), (2, 4), "x")],
            vec![Change::replace((2, 7), (2, 9), "")],
            vec![Change::replace((3, 11), (3, 12), "é")],
        ],
    ));
}

#[test]
fn out_of_range_edits_are_rejected_as_the_model_predicts() {
    harness::run_script(&script(
        "package p\n",
        Encoding::Utf16,
        vec![
            vec![Change::replace((2, 0), (2, 0), "x")],
            vec![Change::replace((0, 5), (0, 1), "x")],
            vec![Change::replace((u32::MAX, u32::MAX), (0, 0), "")],
            vec![
                Change::replace((0, 0), (0, 0), "a\n"),
                Change::replace((3, 0), (3, 0), "lost"),
            ],
            vec![Change::replace((1, u32::MAX), (1, u32::MAX), "x")],
        ],
    ));
}

#[test]
fn decoded_byte_scripts() {
    let counting: Vec<u8> = (0..=255).collect();
    let mut mixed = Vec::new();
    for i in 0u32..600 {
        mixed.push((i.wrapping_mul(2_654_435_761) >> 13) as u8);
    }
    for data in [&[][..], &[0xff; 64], &[0; 64], &counting, &mixed] {
        harness::document_edits(data);
    }
}
