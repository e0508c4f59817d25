#!/usr/bin/env python3
"""Writes RESULTS.md and results.json from one benchmark run's raw results.

    python3 bench/report.py --work target/bench --out bench

Reads WORK/raw.jsonl (one JSON line per measurement, from edit_latency.py, cold_start.py,
ci_tools.py, steady_state.py, and run.sh's failure lines), WORK/environment.json and
WORK/corpus.json. Every table gives the median over runs and the spread (min-max); ratios are
taken within each run (the tools ran one after the other in it) and then summarised the same
way. results.json holds everything read, raw samples included.
"""

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

import raw
from edit_latency import percentile

MIB = 1024  # kB per MiB: /proc and time -v count in KiB

# The goals of issue 7, on this machine (2 cores), in the order RESULTS.md lists them.
P50_GOAL = "edit latency p50 on the largest file < 2 ms"
P99_GOAL = "edit latency p99 on the largest file < 15 ms"
RSS_GOAL = "server RSS after indexing the corpus < 400 MB"
VET_GOAL = "`leakls check` at least 10x faster than cold `go vet ./...`"
PARSE_GOAL = "`leakls check` within 1.5x of the pure parse"
STEADY_GOAL = "RSS after the steady-state runs within 10% of before"
GOALS = [P50_GOAL, P99_GOAL, RSS_GOAL, VET_GOAL, PARSE_GOAL, STEADY_GOAL]


def summary(values, fmt="%.2f"):
    """'median (min-max)' of a list, or '-' when empty."""
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    med = fmt % statistics.median(values)
    if len(values) == 1:
        return med
    return "%s (%s-%s)" % (med, fmt % min(values), fmt % max(values))


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def by_run(records, key):
    """{run: {key(record): record}}"""
    out = defaultdict(dict)
    for r in records:
        out[r["run"]][key(r)] = r
    return out


def ratios(records, key, num, den, value):
    """Per run, value(record num) / value(record den)."""
    out = []
    for run in by_run(records, key).values():
        if num in run and den in run:
            a, b = value(run[num]), value(run[den])
            if a is not None and b:
                out.append(a / b)
    return out


def edits_asked(r):
    """The edits an edit_latency run made, timed out or not."""
    return len(r["edits_s"]) + r["timeouts"]


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


class Report:
    def __init__(self, raw, env, corpus):
        self.raw, self.env, self.corpus = raw, env, corpus
        self.kind = defaultdict(list)
        for r in raw:
            self.kind[r["kind"]].append(r)
        self.goals = {}  # goal: (measured, met)
        self.out = []

    def p(self, text=""):
        self.out.append(text)

    def goal(self, name, value, target, fmt, lower_is_better=True):
        if value is not None:
            met = value < target if lower_is_better else value >= target
            self.goals[name] = (fmt % value, "met" if met else "**missed**")

    # -- sections --------------------------------------------------------------------------

    def edit_latency(self):
        recs = self.kind["edit_latency"]
        if not recs:
            return
        self.p("## 1. Edit latency in the editor\n")
        self.p("didChange written to the next publishDiagnostics for that file with at least "
               "that version, one edit at a time; ms, median over runs of each run's "
               "percentile (min-max over runs).\n")

        def p50(r):
            return percentile(r["edits_s"], 50) * 1000 if r["edits_s"] else None

        def p99(r):
            return percentile(r["edits_s"], 99) * 1000 if r["edits_s"] else None

        for label in ("largest", "medium"):
            group = [r for r in recs if r["label"] == label]
            if not group:
                continue
            info = self.corpus.get(label, {})
            self.p("### %s file: `%s` (%s lines, %.1f kB; workspace `%s`)\n" % (
                label, info.get("path", group[0]["file"]), info.get("lines", group[0]["lines"]),
                info.get("bytes", group[0]["bytes"]) / 1000, group[0]["workspace"]))
            rows = []
            servers = sorted({r["server"] for r in group}, key=lambda s: (s != "leakls", s))
            for s in servers:
                rs = [r for r in group if r["server"] == s]
                rows.append((s, summary([len(r["edits_s"]) for r in rs], "%d"),
                             summary([p50(r) for r in rs]), summary([p99(r) for r in rs]),
                             summary([max(r["edits_s"]) * 1000 for r in rs if r["edits_s"]]),
                             sum(r["timeouts"] for r in rs),
                             summary([r["load_s"] for r in rs], "%.1f")))
            self.p(table(["server", "edits per run", "p50 ms", "p99 ms", "max ms",
                          "timeouts (all runs)", "workspace load s"], rows))
            extra = []
            for key, what in (("reparse_s", "leakls, edits that reparse (a space)"),
                              ("full_s", "leakls, whole-text changes (a full parse)")):
                rs = [r for r in group if r["server"] == "leakls" and r[key]]
                if rs:
                    extra.append((what, summary([len(r[key]) for r in rs], "%d"),
                                  summary([percentile(r[key], 50) * 1000 for r in rs]),
                                  summary([percentile(r[key], 99) * 1000 for r in rs])))
            if extra:
                self.p(table(["also measured", "edits per run", "p50 ms", "p99 ms"], extra))
            rows = []
            for s in servers[1:]:
                rows.append(("%s / leakls, p50" % s, summary(ratios(
                    group, lambda r: r["server"], s, "leakls", p50), "%.0fx")))
            if rows:
                self.p(table(["ratio, pair by pair", "median (min-max)"], rows))
            most = max(edits_asked(r) for r in group)
            fewer = sorted({r["server"] for r in group if edits_asked(r) < most})
            if fewer:
                self.p("Fewer edits for %s: at up to seconds an edit, %d a run would not fit "
                       "the benchmark's time (the knobs are in README.md).\n"
                       % (", ".join(fewer), most))
            if any(edits_asked(r) < 100 for r in group):
                self.p("Under 100 edits a run, p99 is the slowest edit of the run.\n")
            leakls = [r for r in group if r["server"] == "leakls"]
            if label == "largest":
                self.goal(P50_GOAL,
                          median([p50(r) for r in leakls]), 2, "%.2f ms")
                self.goal(P99_GOAL,
                          median([p99(r) for r in leakls]), 15, "%.2f ms")

    def cold_start(self):
        recs = self.kind["cold_start"]
        if not recs:
            return
        self.p("## 2. Cold start in the editor\n")
        self.p("Workspace folders: the corpus roots; `%s` opened right after `initialized`. "
               "\"Ready\": every `$/progress` ended and the server idle for 3 s. RSS of the "
               "server process (not of gopls's `go list` children). gopls starts with an empty "
               "GOPLSCACHE.\n" % recs[0]["file"])
        rows = []
        servers = sorted({r["server"] for r in recs}, key=lambda s: (s != "leakls", s))
        for s in servers:
            rs = [r for r in recs if r["server"] == s]
            rows.append((s, summary([r["first_diagnostics_s"] for r in rs]),
                         summary([r["ready_s"] for r in rs], "%.1f"),
                         summary([r["peak_rss_kb"] / MIB for r in rs], "%.0f"),
                         summary([r["rss_kb"] / MIB for r in rs], "%.0f"),
                         summary([r["rss_kb"] * 1024 / r["corpus_bytes"] for r in rs])))
        self.p(table(["server", "initialize to first diagnostics s", "to ready s",
                      "peak RSS MiB", "RSS when ready MiB", "RSS bytes per source byte"], rows))
        rows = []
        for s in servers[1:]:
            for what, f in (("first diagnostics", lambda r: r["first_diagnostics_s"]),
                            ("ready", lambda r: r["ready_s"]),
                            ("RSS when ready", lambda r: r["rss_kb"])):
                rows.append(("%s / leakls, %s" % (s, what),
                             summary(ratios(recs, lambda r: r["server"], s, "leakls", f),
                                     "%.1fx")))
        if rows:
            self.p(table(["ratio, pair by pair", "median (min-max)"], rows))
        leakls = [r for r in recs if r["server"] == "leakls"]
        rss = median([r["rss_kb"] / MIB for r in leakls])
        self.goal(RSS_GOAL, rss, 400, "%.0f MiB")

    def ci(self):
        recs = [r for r in self.kind["ci"] if not r.get("unavailable")]
        if not recs:
            return
        self.p("## 3. Whole-tree analysis in CI\n")
        self.p("Wall time and CPU time (user + system) in seconds, peak RSS in MiB "
               "(`/usr/bin/time -v`). go vet and staticcheck run `./...` in each module root "
               "(%s) one after the other; their times are summed, their peak is the largest. "
               "Cold: empty GOCACHE and staticcheck cache; warm: the same caches again right "
               "after.\n" % ", ".join("`%s`" % m for m in self.corpus.get("modules", [])))

        def name(r):
            return r["tool"] + (" (%s)" % r["cache"] if r.get("cache") else "")

        order = ["leakls-check", "leakls-parse", "go-vet (cold)", "go-vet (warm)",
                 "staticcheck (cold)", "staticcheck (warm)"]
        rows = []
        for n in order:
            rs = [r for r in recs if name(r) == n]
            if rs:
                rows.append((n, summary([r["wall_s"] for r in rs]),
                             summary([r["user_s"] + r["sys_s"] for r in rs], "%.1f"),
                             summary([r["peak_rss_kb"] / MIB for r in rs], "%.0f"),
                             ", ".join(sorted({str(m.get("exit_code")) for r in rs
                                               for m in r.get("modules", [r])}))))
        self.p(table(["tool", "wall s", "CPU s", "peak RSS MiB", "exit codes"], rows))
        rows = []
        for n in order[2:]:
            rows.append(("%s / leakls check, wall" % n,
                         summary(ratios(recs, name, n, "leakls-check", lambda r: r["wall_s"]),
                                 "%.1fx")))
        self.p(table(["ratio, pair by pair", "median (min-max)"], rows))
        vet = ratios(recs, name, "go-vet (cold)", "leakls-check", lambda r: r["wall_s"])
        self.goal(VET_GOAL, median(vet),
                  10, "%.1fx", lower_is_better=False)

    def limit(self):
        recs = self.kind["ci"]
        parse = [r for r in recs if r["tool"] == "leakls-parse"]
        self.p("## 4. The limit of our design\n")
        if not parse:
            self.p("Not measured in this run.\n")
            return
        if all(r.get("unavailable") for r in parse):
            self.p("`leakls parse` is not in this build: not measured.\n")
            return
        parse = [r for r in parse if not r.get("unavailable")]
        over = ratios(recs, lambda r: r["tool"], "leakls-check", "leakls-parse",
                      lambda r: r.get("wall_s"))
        server = [r for r in self.kind["cold_start"] if r["server"] == "leakls"]
        self.p("`leakls parse`: the same discovery and threads as `leakls check`, reading and "
               "parsing every file with tree-sitter-go and nothing else.\n")
        self.p(table(["", "median (min-max)"], [
            ("files parsed", summary([r["files"] for r in parse], "%d")),
            ("bytes parsed", summary([r["bytes"] for r in parse], "%d")),
            ("files with syntax errors", summary([r["syntax_errors"] for r in parse], "%d")),
            ("wall s", summary([r["wall_s"] for r in parse])),
            ("time it reports s", summary([r["reported_s"] for r in parse])),
            ("leakls check / parse, wall, pair by pair", summary(over, "%.2fx")),
            ("server RSS per byte of source after the initial index (cold start)",
             summary([r["rss_kb"] * 1024 / r["corpus_bytes"] for r in server])),
        ]))
        self.goal(PARSE_GOAL, median(over), 1.5, "%.2fx")

    def steady_state(self):
        recs = self.kind["steady_state"]
        if not recs:
            return
        r0 = recs[0]
        self.p("## 5. Steady state\n")
        self.p("leakls on the corpus: RSS (MiB) after the initial index, opening `%s` and %s "
               "warm-up edits (before); after %d more edits to it; after opening and closing %d "
               "other files of the corpus. Each read after 1 s idle.\n" % (
                   r0["file"], self.env.get("knobs", {}).get("BENCH_STEADY_WARMUP", "100"),
                   r0["edits"], r0["files_opened"]))
        rows = [("before", summary([r["before_kb"] / MIB for r in recs], "%.0f")),
                ("after the edits", summary([r["after_edits_kb"] / MIB for r in recs], "%.0f")),
                ("after opening and closing files",
                 summary([r["after_files_kb"] / MIB for r in recs], "%.0f")),
                ("after the edits / before",
                 summary([r["after_edits_kb"] / r["before_kb"] for r in recs], "%.3f")),
                ("after the files / before",
                 summary([r["after_files_kb"] / r["before_kb"] for r in recs], "%.3f")),
                ("peak", summary([r["peak_rss_kb"] / MIB for r in recs], "%.0f")),
                ("edit timeouts (all runs)", sum(r["edit_timeouts"] for r in recs))]
        self.p(table(["", "median (min-max)"], rows))
        worst = median([max(r["after_edits_kb"], r["after_files_kb"]) / r["before_kb"]
                        for r in recs])
        self.goal(STEADY_GOAL,
                  None if worst is None else (worst - 1) * 100, 10, "%+.1f%%")

    # -- the page --------------------------------------------------------------------------

    def render(self):
        env, corpus = self.env, self.corpus
        m, v = env["machine"], env["versions"]
        self.edit_latency()
        self.cold_start()
        self.ci()
        self.limit()
        self.steady_state()
        body, self.out = self.out, []
        self.p("# Benchmark results\n")
        if corpus.get("small"):
            self.p("**A trial run on the small corpus: not the real benchmark.**\n")
        self.p("Written by `bench/run.sh` (see [README.md](README.md)) on %s; raw data in "
               "`results.json`.\n" % env["date"])
        self.p("- Machine: %d cores (%s), %.1f GiB memory, Linux %s" % (
            m["cores"], m["cpu"], m["mem_total_kb"] / 1024 ** 2, m["kernel"]))
        self.p("- leakls %s, %s; %s" % (v["leakls"], v["rustc"], v["go"]))
        self.p("- gopls %s: %s" % (v["gopls"], env.get("gopls_install") or "installed"))
        self.p("- %s" % v["staticcheck"])
        knobs = env.get("knobs", {})
        if knobs:
            self.p("- Settings: " + ", ".join("`%s=%s`" % kv for kv in knobs.items()))
        self.p("- Corpus: %d Go files, %.1f MB, %d lines (as leakls discovers them: no "
               "`vendor/`, `testdata/`, `.`/`_` folders), under %s\n" % (
                   corpus["files"], corpus["bytes"] / 1e6, corpus["lines"],
                   ", ".join("`%s`" % r for r in corpus["roots"])))
        self.p("## Goals\n")
        self.p(table(["goal (2 cores)", "measured (median)", ""],
                     [(g, *self.goals.get(g, ("not measured", "-"))) for g in GOALS]))
        failures = self.kind["failure"]
        if failures:
            self.p("Failed measurements (no result recorded):\n")
            self.p("\n".join("- run %s: %s" % (f["run"], f["what"]) for f in failures) + "\n")
        self.out += body
        self.p(METHOD)
        return "\n".join(self.out)


METHOD = """## Method

- **Pair by pair.** Each run measures every tool of a comparison one after the other (leakls,
  then gopls, then gopls with staticcheck; leakls check, leakls parse, go vet, staticcheck), and
  ratios are taken within a run before the median over runs, because this machine is noisy.
- **Edits.** Single characters, one at a time: a letter typed at the end of a `//` comment or
  of an identifier (not a keyword) in the middle half of the file, one line per site; each next
  edit types at the next site and deletes the letter typed at the one before. So every version
  of the text is new (gopls caches by content: an insert-then-delete pair would hand it the
  original text, already analysed, every second edit) and the file never differs from the
  original by more than two characters. Each run, and each server in a run, types another
  letter at another sequence of sites, and gopls's cache on disk starts empty with each
  benchmark, so that no run meets the texts of another. A letter after an identifier makes a
  type error for gopls (`undefined: fooX`), which it reports; leakls's findings do not change.
- **What gopls publishes.** gopls re-publishes after every change (golang/go#50267), with the
  document version. With its default settings it first publishes the parse and type-check
  diagnostics of the edited package, then, after `diagnosticsDelay` (1 s), those of its
  analyzers if they differ: the row `gopls` is that first publication, what a user sees first.
  `gopls-staticcheck` sets `"staticcheck": true` and `"diagnosticsDelay": "0s"`, so its one
  publication after an edit holds every analyzer's findings, staticcheck's included: the time
  the analyzers cost, without the debounce. leakls publishes all its findings in one
  publication.
- **Ready.** Before the edits, each server loads the file's module (its workspace) and goes
  idle: no `$/progress` running, under 5% of a core and no runnable thread (server and child
  processes) for 2 s; the file is opened, its first diagnostics awaited, and the server idle
  again. gopls keeps its cache (GOPLSCACHE under the bench folder) across these runs: warm, as
  in a user's day; the cold start is measured apart.
- **CI tools.** `GOFLAGS=-mod=readonly GOPROXY=off` while timed (corpus.py downloads the
  modules beforehand). GOROOT/src is two modules, std and cmd (nested); the x/tools copy is
  its root module only (a module zip leaves nested modules such as gopls out).
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", required=True, help="where run.sh left raw.jsonl and the rest")
    ap.add_argument("--out", required=True, help="where RESULTS.md and results.json go")
    args = ap.parse_args()
    work, out = Path(args.work), Path(args.out)
    results = raw.load(work / "raw.jsonl")
    env = json.loads((work / "environment.json").read_text())
    corpus = json.loads((work / "corpus.json").read_text())
    out.mkdir(parents=True, exist_ok=True)
    (out / "RESULTS.md").write_text(Report(results, env, corpus).render())
    (out / "results.json").write_text(json.dumps(
        {"environment": env, "corpus": corpus, "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
