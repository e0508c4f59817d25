//! The slice-retains quick-fixes keep what the program does and clear what leaves the slice.
//!
//! Each test writes a small Go program holding every re-slicing form the check reports, applies
//! leakls's fixes the way an editor would, and runs both versions with `go run`. For each form
//! the program prints the slice's contents and whether every slot that left the slice (seen
//! through the whole backing array, taken before the re-slice) is zero. The contents must not
//! change; the slots must be zero after the fix (and, as a control, not before).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use leakls::analysis::fix;
use leakls::workspace::batch;

/// The leaking code, one method per form.
const FORMS: &str = r#"package main

// Item is kept by pointer.
type Item struct{ n int }

// Rec is a struct element that holds a pointer.
type Rec struct {
	id  int
	ref *Item
}

// Q holds both kinds of element.
type Q struct {
	items []*Item
	recs  []Rec
}

func (q *Q) front1() {
	q.items = q.items[1:]
}

func (q *Q) frontN(n int) {
	q.items = q.items[n:]
}

func (q *Q) back1() {
	q.items = q.items[:len(q.items)-1]
}

func (q *Q) backN(n int) {
	q.items = q.items[:n]
}

func (q *Q) reset() {
	q.items = q.items[:0]
}

func (q *Q) remove(i int) {
	q.items = append(q.items[:i], q.items[i+1:]...)
}

func (q *Q) copyRemove(i int) {
	copy(q.items[i:], q.items[i+1:])
	q.items = q.items[:len(q.items)-1]
}

func (q *Q) recFront1() {
	q.recs = q.recs[1:]
}

func (q *Q) recFrontN(n int) {
	q.recs = q.recs[n:]
}

func (q *Q) recBack1() {
	q.recs = q.recs[:len(q.recs)-1]
}

func (q *Q) recBackN(n int) {
	q.recs = q.recs[:n]
}

func (q *Q) recRemove(i int) {
	q.recs = append(q.recs[:i], q.recs[i+1:]...)
}
"#;

/// The harness: runs each form on five elements and reports contents and dropped slots.
const MAIN: &str = r#"package main

import "fmt"

func newQ() *Q {
	q := &Q{}
	for i := 1; i <= 5; i++ {
		q.items = append(q.items[:len(q.items):len(q.items)], &Item{n: i})
		q.recs = append(q.recs[:len(q.recs):len(q.recs)], Rec{id: i, ref: &Item{n: i}})
	}
	return q
}

func items(name string, do func(q *Q)) {
	q := newQ()
	full := q.items[:cap(q.items)]
	before := len(q.items)
	do(q)
	off := cap(full) - cap(q.items)
	var got []int
	for _, it := range q.items {
		got = append(got, it.n)
	}
	cleared := true
	for k := 0; k < before; k++ {
		if (k < off || k >= off+len(q.items)) && full[k] != nil {
			cleared = false
		}
	}
	fmt.Printf("%s contents=%v cleared=%v\n", name, got, cleared)
}

func recs(name string, do func(q *Q)) {
	q := newQ()
	full := q.recs[:cap(q.recs)]
	before := len(q.recs)
	do(q)
	off := cap(full) - cap(q.recs)
	var got []int
	for _, r := range q.recs {
		got = append(got, r.id, r.ref.n)
	}
	cleared := true
	for k := 0; k < before; k++ {
		if (k < off || k >= off+len(q.recs)) && full[k] != (Rec{}) {
			cleared = false
		}
	}
	fmt.Printf("%s contents=%v cleared=%v\n", name, got, cleared)
}

func main() {
	items("front1", func(q *Q) { q.front1() })
	items("frontN", func(q *Q) { q.frontN(2) })
	items("back1", func(q *Q) { q.back1() })
	items("backN", func(q *Q) { q.backN(2) })
	items("reset", func(q *Q) { q.reset() })
	items("remove", func(q *Q) { q.remove(1) })
	items("copyRemove", func(q *Q) { q.copyRemove(1) })
	recs("recFront1", func(q *Q) { q.recFront1() })
	recs("recFrontN", func(q *Q) { q.recFrontN(3) })
	recs("recBack1", func(q *Q) { q.recBack1() })
	recs("recBackN", func(q *Q) { q.recBackN(1) })
	recs("recRemove", func(q *Q) { q.recRemove(2) })
}
"#;

const FORM_NAMES: [&str; 12] = [
    "front1",
    "frontN",
    "back1",
    "backN",
    "reset",
    "remove",
    "copyRemove",
    "recFront1",
    "recFrontN",
    "recBack1",
    "recBackN",
    "recRemove",
];

fn go_run(dir: &Path) -> String {
    let out = Command::new("go")
        .args(["run", "."])
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap_or_else(|e| {
            panic!("the `go` command is needed to run the fixed programs ({e}); install Go (https://go.dev/dl) and put it on PATH")
        });
    assert!(
        out.status.success(),
        "go run failed in {}:\n{}\n--- forms.go:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr),
        fs::read_to_string(dir.join("forms.go")).unwrap_or_default()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// form name → (contents, cleared)
fn results(output: &str) -> BTreeMap<String, (String, bool)> {
    output
        .lines()
        .map(|line| {
            let (name, rest) = line.split_once(' ').unwrap();
            let (contents, cleared) = rest.rsplit_once(" cleared=").unwrap();
            (name.to_string(), (contents.to_string(), cleared == "true"))
        })
        .collect()
}

/// Writes the program for `go_line`, applies every first fix, runs both versions, and returns
/// the fixed forms.go.
fn check_fixes(go_line: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        format!("module leakls.test/run\n\ngo {go_line}\n"),
    )
    .unwrap();
    let forms = dir.path().join("forms.go");
    fs::write(&forms, FORMS).unwrap();
    fs::write(dir.path().join("main.go"), MAIN).unwrap();

    let before = results(&go_run(dir.path()));

    let batch = batch::analyze_files(&[forms.clone(), dir.path().join("main.go")]);
    let mut edits = Vec::new();
    let mut reported = 0;
    for report in &batch.reports {
        assert!(
            report.path == forms || report.findings.is_empty(),
            "unexpected findings in {}: {:?}",
            report.path.display(),
            report.findings
        );
        for f in &report.findings {
            reported += 1;
            let fix = f
                .fixes
                .first()
                .unwrap_or_else(|| panic!("go {go_line}: no fix for {}", f.message));
            edits.extend(fix.edits.iter().cloned());
        }
    }
    assert_eq!(
        reported,
        FORM_NAMES.len(),
        "go {go_line}: one finding per form"
    );
    let (fixed, skipped) = fix::apply(FORMS, &edits);
    assert!(skipped.is_empty(), "overlapping edits: {skipped:?}");
    fs::write(&forms, &fixed).unwrap();

    let after = results(&go_run(dir.path()));
    for name in FORM_NAMES {
        let (want, leaked) = &before[name];
        let (got, cleared) = &after[name];
        assert_eq!(
            got, want,
            "go {go_line}: {name}: the fix changed the contents"
        );
        assert!(
            *cleared,
            "go {go_line}: {name}: a dropped slot is still set after the fix\n{fixed}"
        );
        assert!(
            !*leaked,
            "go {go_line}: {name}: the unfixed form already cleared (the test proves nothing)"
        );
    }
    fixed
}

/// Before Go 1.21: assignments of the zero value and loops.
#[test]
fn fixes_keep_behaviour_go_1_20() {
    let fixed = check_fixes("1.20");
    assert!(
        !fixed.contains("clear(") && !fixed.contains("slices."),
        "{fixed}"
    );
    assert!(fixed.contains("q.items[0] = nil"), "{fixed}");
    assert!(fixed.contains("q.recs[0] = Rec{}"), "{fixed}");
    assert!(
        fixed.contains("q.items[:len(q.items)+1][len(q.items)] = nil"),
        "{fixed}"
    );
}

/// Go 1.21: `clear`.
#[test]
fn fixes_keep_behaviour_go_1_21() {
    let fixed = check_fixes("1.21");
    assert!(fixed.contains("clear(q.items[:n])"), "{fixed}");
    assert!(fixed.contains("clear(q.items[n:])"), "{fixed}");
    assert!(fixed.contains("clear(q.items)\n"), "{fixed}");
    assert!(!fixed.contains("slices."), "{fixed}");
}

/// Go 1.22: `slices.Delete`, which clears the vacated tail, with the import added.
#[test]
fn fixes_keep_behaviour_go_1_22() {
    let fixed = check_fixes("1.22");
    assert!(
        fixed.contains("q.items = slices.Delete(q.items, i, i+1)"),
        "{fixed}"
    );
    assert!(
        fixed.contains("q.recs = slices.Delete(q.recs, i, i+1)"),
        "{fixed}"
    );
    assert!(fixed.contains("import \"slices\""), "{fixed}");
}
