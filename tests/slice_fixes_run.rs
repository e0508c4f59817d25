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

/// The leaking code, one method per form, in a package of its own: `Q` is shared between
/// goroutines (its mutex says so), which is what makes it outlive the calls. `Items` and `Recs`
/// are queues something appends to; `Fixed` and `FixedRecs` are made once and only shrink (a
/// removal from a list that is appended to leaves a slot the next append takes).
const FORMS: &str = r#"package forms

import "sync"

// Item is kept by pointer.
type Item struct{ N int }

// Rec is a struct element that holds a pointer.
type Rec struct {
	ID  int
	Ref *Item
}

// Q holds both kinds of element.
type Q struct {
	mu        sync.Mutex
	Items     []*Item
	Recs      []Rec
	Fixed     []*Item
	FixedRecs []Rec
}

func (q *Q) Push(it *Item, r Rec) {
	q.Items = append(q.Items, it)
	q.Recs = append(q.Recs, r)
}

func (q *Q) Front1() {
	q.Items = q.Items[1:]
}

func (q *Q) FrontN(n int) {
	q.Items = q.Items[n:]
}

func (q *Q) Back1() {
	q.Items = q.Items[:len(q.Items)-1]
}

func (q *Q) BackN(n int) {
	if n < len(q.Items) {
		q.Items = q.Items[:n]
	}
}

func (q *Q) Reset() {
	q.Fixed = q.Fixed[:0]
}

func (q *Q) Remove(i int) {
	q.Fixed = append(q.Fixed[:i], q.Fixed[i+1:]...)
}

func (q *Q) CopyRemove(i int) {
	copy(q.Fixed[i:], q.Fixed[i+1:])
	q.Fixed = q.Fixed[:len(q.Fixed)-1]
}

func (q *Q) RecFront1() {
	q.Recs = q.Recs[1:]
}

func (q *Q) RecFrontN(n int) {
	q.Recs = q.Recs[n:]
}

func (q *Q) RecBack1() {
	q.Recs = q.Recs[:len(q.Recs)-1]
}

func (q *Q) RecBackN(n int) {
	if n < len(q.Recs) {
		q.Recs = q.Recs[:n]
	}
}

func (q *Q) RecRemove(i int) {
	q.FixedRecs = append(q.FixedRecs[:i], q.FixedRecs[i+1:]...)
}
"#;

/// The harness: runs each form on five elements and reports contents and dropped slots.
const MAIN: &str = r#"package main

import (
	"fmt"

	"leakls.test/run/forms"
)

// newQ fills every list with five elements, each append making a new array (so the slots a
// form drops are exactly those past what it keeps).
func newQ() *forms.Q {
	q := &forms.Q{}
	for i := 1; i <= 5; i++ {
		q.Items = append(q.Items[:len(q.Items):len(q.Items)], &forms.Item{N: i})
		q.Fixed = append(q.Fixed[:len(q.Fixed):len(q.Fixed)], &forms.Item{N: i})
		q.Recs = append(q.Recs[:len(q.Recs):len(q.Recs)], forms.Rec{ID: i, Ref: &forms.Item{N: i}})
		q.FixedRecs = append(q.FixedRecs[:len(q.FixedRecs):len(q.FixedRecs)], forms.Rec{ID: i, Ref: &forms.Item{N: i}})
	}
	return q
}

func items(name string, list func(q *forms.Q) []*forms.Item, do func(q *forms.Q)) {
	q := newQ()
	full := list(q)[:cap(list(q))]
	before := len(list(q))
	do(q)
	after := list(q)
	off := cap(full) - cap(after)
	var got []int
	for _, it := range after {
		got = append(got, it.N)
	}
	cleared := true
	for k := 0; k < before; k++ {
		if (k < off || k >= off+len(after)) && full[k] != nil {
			cleared = false
		}
	}
	fmt.Printf("%s contents=%v cleared=%v\n", name, got, cleared)
}

func recs(name string, list func(q *forms.Q) []forms.Rec, do func(q *forms.Q)) {
	q := newQ()
	full := list(q)[:cap(list(q))]
	before := len(list(q))
	do(q)
	after := list(q)
	off := cap(full) - cap(after)
	var got []int
	for _, r := range after {
		got = append(got, r.ID, r.Ref.N)
	}
	cleared := true
	for k := 0; k < before; k++ {
		if (k < off || k >= off+len(after)) && full[k] != (forms.Rec{}) {
			cleared = false
		}
	}
	fmt.Printf("%s contents=%v cleared=%v\n", name, got, cleared)
}

func main() {
	queue := func(q *forms.Q) []*forms.Item { return q.Items }
	fixed := func(q *forms.Q) []*forms.Item { return q.Fixed }
	recQueue := func(q *forms.Q) []forms.Rec { return q.Recs }
	recFixed := func(q *forms.Q) []forms.Rec { return q.FixedRecs }
	items("front1", queue, func(q *forms.Q) { q.Front1() })
	items("frontN", queue, func(q *forms.Q) { q.FrontN(2) })
	items("back1", queue, func(q *forms.Q) { q.Back1() })
	items("backN", queue, func(q *forms.Q) { q.BackN(2) })
	items("reset", fixed, func(q *forms.Q) { q.Reset() })
	items("remove", fixed, func(q *forms.Q) { q.Remove(1) })
	items("copyRemove", fixed, func(q *forms.Q) { q.CopyRemove(1) })
	recs("recFront1", recQueue, func(q *forms.Q) { q.RecFront1() })
	recs("recFrontN", recQueue, func(q *forms.Q) { q.RecFrontN(3) })
	recs("recBack1", recQueue, func(q *forms.Q) { q.RecBack1() })
	recs("recBackN", recQueue, func(q *forms.Q) { q.RecBackN(1) })
	recs("recRemove", recFixed, func(q *forms.Q) { q.RecRemove(2) })
	// A truncation may also grow the slice within its capacity: the fixed code must not panic
	// (clearing from the new length would reach past the old one).
	grow := &forms.Q{Items: make([]*forms.Item, 2, 5)}
	grow.BackN(4)
	fmt.Printf("backGrow contents=%d cleared=false\n", len(grow.Items))
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
        fs::read_to_string(dir.join("forms/forms.go")).unwrap_or_default()
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
    fs::create_dir(dir.path().join("forms")).unwrap();
    let forms = dir.path().join("forms/forms.go");
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
    assert!(fixed.contains("q.Items[0] = nil"), "{fixed}");
    assert!(fixed.contains("q.Recs[0] = Rec{}"), "{fixed}");
    assert!(
        fixed.contains("q.Fixed[:len(q.Fixed)+1][len(q.Fixed)] = nil"),
        "{fixed}"
    );
}

/// Go 1.21: `clear`.
#[test]
fn fixes_keep_behaviour_go_1_21() {
    let fixed = check_fixes("1.21");
    assert!(fixed.contains("clear(q.Items[:n])"), "{fixed}");
    assert!(
        fixed.contains("clear(q.Items[min(n, len(q.Items)):])"),
        "{fixed}"
    );
    assert!(fixed.contains("clear(q.Fixed)\n"), "{fixed}");
    assert!(!fixed.contains("slices."), "{fixed}");
}

/// Go 1.22: `slices.Delete`, which clears the vacated tail, with the import added.
#[test]
fn fixes_keep_behaviour_go_1_22() {
    let fixed = check_fixes("1.22");
    assert!(
        fixed.contains("q.Fixed = slices.Delete(q.Fixed, i, i+1)"),
        "{fixed}"
    );
    assert!(
        fixed.contains("q.FixedRecs = slices.Delete(q.FixedRecs, i, i+1)"),
        "{fixed}"
    );
    assert!(fixed.contains("import \"slices\""), "{fixed}");
}
