//! The Go semantics in force for a file: the main module's `go` line and its `godebug` settings.
//!
//! Timers changed in Go 1.23: an unreferenced, unstopped `Timer` or `Ticker` is garbage collected,
//! and timer channels became synchronous. `godebug asynctimerchan=1` brings the old behaviour
//! back, `asynctimerchan=0` opts into the new one under an older `go` line. Go 1.27 removed the
//! setting and the old timers with it: a module built by Go 1.27 or later (its `go` or
//! `toolchain` line says at least 1.27) collects timers whatever its `go` line and `godebug`s.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl GoVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> GoVersion {
        GoVersion {
            major,
            minor,
            patch,
        }
    }

    /// Parses `1.22`, `1.22.3`, `1.21rc1` and `go1.23.0` (a pre-release counts as its release).
    pub fn parse(text: &str) -> Option<GoVersion> {
        let text = text.trim().trim_start_matches("go");
        let mut parts = text.split('.');
        let major = leading_number(parts.next()?)?;
        let minor = parts.next().map_or(Some(0), leading_number)?;
        let patch = parts.next().map_or(Some(0), leading_number)?;
        Some(GoVersion::new(major, minor, patch))
    }
}

fn leading_number(s: &str) -> Option<u32> {
    let digits: &str = &s[..s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len())];
    digits.parse().ok()
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

/// The first release whose runtime collects unreferenced, unstopped timers.
pub const GO_1_23: GoVersion = GoVersion::new(1, 23, 0);
/// The first release without `asynctimerchan`: every timer is collectable.
pub const GO_1_27: GoVersion = GoVersion::new(1, 27, 0);
/// The first release with the `clear` builtin.
pub const GO_1_21: GoVersion = GoVersion::new(1, 21, 0);
/// The first release whose `slices.Delete` clears the elements it drops from the tail.
pub const GO_1_22: GoVersion = GoVersion::new(1, 22, 0);

/// What the nearest go.mod says, as far as the checks care.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoSemantics {
    /// The `go` line; `None` when there is no go.mod.
    pub version: Option<GoVersion>,
    /// The `godebug asynctimerchan=N` setting, if any.
    pub async_timer_chan: Option<bool>,
    /// The `toolchain` line: the oldest Go release that may build the module.
    pub toolchain: Option<GoVersion>,
}

impl GoSemantics {
    pub fn with_version(version: GoVersion) -> GoSemantics {
        GoSemantics {
            version: Some(version),
            ..GoSemantics::default()
        }
    }

    /// True when the runtime collects an unreferenced timer that was never stopped.
    /// Unknown versions are treated as old: the warning is the safe side.
    pub fn timers_collected(&self) -> bool {
        // The go command never builds a module with a release older than these lines name.
        let built_with = self.version.max(self.toolchain);
        if built_with.is_some_and(|v| v >= GO_1_27) {
            return true;
        }
        match self.async_timer_chan {
            Some(asynchronous) => !asynchronous,
            None => self.version.is_some_and(|v| v >= GO_1_23),
        }
    }

    pub fn at_least(&self, v: GoVersion) -> bool {
        self.version.is_some_and(|have| have >= v)
    }
}

/// The parts of a go.mod file leakls reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoMod {
    pub module: Option<String>,
    pub go: Option<GoVersion>,
    pub toolchain: Option<GoVersion>,
    pub godebug: Vec<(String, String)>,
    /// go.work only: the module folders it `use`s, as written.
    pub uses: Vec<String>,
}

impl GoMod {
    /// Reads a go.mod file leniently: unknown directives are skipped, as `go` itself would
    /// report them and leakls has nothing to add.
    pub fn parse(text: &str) -> GoMod {
        let mut gomod = GoMod::default();
        let mut block: Option<String> = None;
        for raw in text.lines() {
            let line = strip_comment(raw).trim();
            if line.is_empty() {
                continue;
            }
            if let Some(directive) = &block {
                if line == ")" {
                    block = None;
                } else if directive == "godebug" {
                    gomod.add_godebug(line);
                } else if directive == "use" {
                    gomod.uses.push(unquote(line).to_string());
                }
                continue;
            }
            let (directive, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            if rest == "(" {
                block = Some(directive.to_string());
                continue;
            }
            match directive {
                "module" => gomod.module = Some(unquote(rest).to_string()),
                "go" => gomod.go = GoVersion::parse(rest),
                // `toolchain go1.27.1`; `toolchain default` names no release.
                "toolchain" => gomod.toolchain = GoVersion::parse(rest),
                "godebug" => gomod.add_godebug(rest),
                "use" => gomod.uses.push(unquote(rest).to_string()),
                _ => {}
            }
        }
        gomod
    }

    fn add_godebug(&mut self, setting: &str) {
        if let Some((key, value)) = setting.split_once('=') {
            self.godebug
                .push((key.trim().to_string(), value.trim().to_string()));
        }
    }

    pub fn semantics(&self) -> GoSemantics {
        let setting = |key: &str| {
            self.godebug
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        // asynctimerchan=1 restores the old timers; 0 and 2 keep the collectable ones (2 only
        // changes how channels deliver).
        let async_timer_chan = match setting("asynctimerchan") {
            Some("1") => Some(true),
            Some("0" | "2") => Some(false),
            // `godebug default=go1.22` sets every setting as that release had it.
            _ => setting("default")
                .and_then(GoVersion::parse)
                .map(|v| v < GO_1_23),
        };
        GoSemantics {
            // A go.mod without a `go` line means Go 1.16 to the go command.
            version: Some(self.go.unwrap_or(GoVersion::new(1, 16, 0))),
            async_timer_chan,
            toolchain: self.toolchain,
        }
    }
}

fn strip_comment(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '`')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(GoVersion::parse("1.22"), Some(GoVersion::new(1, 22, 0)));
        assert_eq!(GoVersion::parse("1.21.3"), Some(GoVersion::new(1, 21, 3)));
        assert_eq!(GoVersion::parse("1.21rc1"), Some(GoVersion::new(1, 21, 0)));
        assert_eq!(GoVersion::parse("go1.23.0"), Some(GoVersion::new(1, 23, 0)));
        assert_eq!(GoVersion::parse("x"), None);
    }

    #[test]
    fn reads_go_line_and_godebug_forms() {
        let m = GoMod::parse(
            "module example.com/m // the module\n\ngo 1.24\n\ngodebug asynctimerchan=1\n",
        );
        assert_eq!(m.module.as_deref(), Some("example.com/m"));
        assert_eq!(m.go, Some(GoVersion::new(1, 24, 0)));
        assert!(!m.semantics().timers_collected());

        let m =
            GoMod::parse("module m\ngo 1.22\ngodebug (\n\tdefault=go1.21\n\tasynctimerchan=0\n)\n");
        assert!(m.semantics().timers_collected());
        let m = GoMod::parse("module m\ngo 1.24\ngodebug default=go1.22\n");
        assert!(!m.semantics().timers_collected());
        let m = GoMod::parse("module m\ngo 1.22\ngodebug asynctimerchan=2\n");
        assert!(m.semantics().timers_collected());
    }

    #[test]
    fn reads_go_work_use_lines() {
        let w =
            GoMod::parse("go 1.23\n\nuse (\n\t./api\n\t\"./svc\" // the service\n)\nuse ./tools\n");
        assert_eq!(w.uses, ["./api", "./svc", "./tools"]);
        assert_eq!(w.go, Some(GO_1_23));
    }

    /// Go 1.27 removed `asynctimerchan`: a module it builds collects timers, whatever it asks.
    #[test]
    fn a_go_127_toolchain_collects_timers() {
        let m = GoMod::parse("module m\ngo 1.21\ntoolchain go1.27.1\n");
        assert_eq!(m.toolchain, Some(GoVersion::new(1, 27, 1)));
        assert!(m.semantics().timers_collected());
        let m = GoMod::parse("module m\ngo 1.22\ntoolchain go1.26.3\n");
        assert!(!m.semantics().timers_collected());
        let m = GoMod::parse("module m\ngo 1.27\ngodebug asynctimerchan=1\n");
        assert!(m.semantics().timers_collected());
        let m = GoMod::parse("module m\ngo 1.24\ntoolchain go1.27.0\ngodebug asynctimerchan=1\n");
        assert!(m.semantics().timers_collected());
        assert_eq!(
            GoMod::parse("module m\ngo 1.24\ntoolchain default\n").toolchain,
            None
        );
    }

    #[test]
    fn timer_semantics_follow_the_go_line() {
        assert!(!GoSemantics::default().timers_collected());
        assert!(!GoSemantics::with_version(GoVersion::new(1, 22, 9)).timers_collected());
        assert!(GoSemantics::with_version(GO_1_23).timers_collected());
        assert!(!GoMod::parse("module m\n").semantics().timers_collected());
    }
}
