//! Configuration: a `leakls.toml` (or `.leakls.toml`) found upward from a file, and the same keys
//! from the editor (`initializationOptions`, `workspace/configuration`, section `leakls`).
//!
//! ```toml
//! disable = ["time-tick"]            # or enable = [...]: only those checks
//! exclude = ["gen/**", "**/*_mock.go"]
//! go_version = "1.22"
//! tests = true                       # check _test.go files too
//! collected_timers = "hint"          # timer findings as hints where Go collects timers
//!
//! [severity]
//! global-growth = "hint"
//! ```
//!
//! A key set in the file replaces the same key from the editor: the file is what `leakls check`
//! in CI sees too. An unknown key or a bad value is an error that names the file, line and
//! column; the caller decides what to do with it (the command line stops, the server says so and
//! goes on without that configuration). What the keys mean for the analysis is
//! [`analysis::Settings`](crate::analysis::Settings); this module only reads them.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{de, Deserialize, Deserializer};

use crate::analysis::{Code, CollectedTimers, GoVersion, Settings, Severity};

/// The names a configuration file may have, in order of preference within one folder.
pub const FILE_NAMES: [&str; 2] = ["leakls.toml", ".leakls.toml"];

/// The keys as written; a key left out is `None` and leaves the setting to the other source.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keys {
    /// Only these checks run (`unused-ignore` included: name it to keep it).
    pub enable: Option<Vec<CodeName>>,
    /// These checks do not run.
    pub disable: Option<Vec<CodeName>>,
    /// Severity per code.
    pub severity: Option<BTreeMap<CodeName, SeverityName>>,
    /// Globs of files that are neither checked nor reported (they are still read: other files'
    /// checks need to know what they do).
    pub exclude: Option<Vec<Pattern>>,
    /// Replaces the `go` line of go.mod.
    pub go_version: Option<VersionName>,
    /// Checks `_test.go` files too.
    pub tests: Option<bool>,
    /// `"off"` or `"hint"`: what the timer checks report where the runtime collects timers.
    pub collected_timers: Option<CollectedTimersName>,
}

/// `off` or `hint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectedTimersName(pub CollectedTimers);

impl<'de> Deserialize<'de> for CollectedTimersName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        match name.as_str() {
            "off" => Ok(CollectedTimersName(CollectedTimers::Off)),
            "hint" => Ok(CollectedTimersName(CollectedTimers::Hint)),
            _ => Err(de::Error::custom(format!(
                "unknown value {name:?} for collected_timers; use \"off\" or \"hint\""
            ))),
        }
    }
}

/// A diagnostic code, checked when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CodeName(pub Code);

impl<'de> Deserialize<'de> for CodeName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Code::from_name(&name).map(CodeName).ok_or_else(|| {
            de::Error::custom(format!(
                "unknown code {name:?}; the codes are: {}",
                Code::ALL.map(Code::as_str).join(", ")
            ))
        })
    }
}

/// `error`, `warning`, `information` or `hint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeverityName(pub Severity);

impl<'de> Deserialize<'de> for SeverityName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Severity::from_name(&name).map(SeverityName).ok_or_else(|| {
            de::Error::custom(format!(
                "unknown severity {name:?}; use error, warning, information or hint"
            ))
        })
    }
}

/// A glob: `*` and `?` stay within one path component, `**` crosses folders.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    glob: globset::Glob,
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let glob = GlobBuilder::new(text.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| de::Error::custom(format!("bad exclude glob {text:?}: {}", e.kind())))?;
        Ok(Pattern { text, glob })
    }
}

/// A Go version such as `"1.22"` or `"1.21.5"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionName(pub GoVersion);

impl<'de> Deserialize<'de> for VersionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let digits = text.strip_prefix("go").unwrap_or(&text);
        let well_formed = digits.split('.').count() >= 2
            && digits.split('.').count() <= 3
            && digits
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        match GoVersion::parse(digits) {
            Some(v) if well_formed => Ok(VersionName(v)),
            _ => Err(de::Error::custom(format!(
                "go_version must be a Go version such as \"1.22\" or \"1.21.5\", not {text:?}"
            ))),
        }
    }
}

/// A configuration that could not be read: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, or a description of the editor setting.
    pub origin: String,
    /// 1-based line and column (in characters) of the problem, when known.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => {
                write!(f, "{}:{line}:{column}: {}", self.origin, self.message)
            }
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Keys with their exclude globs compiled.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    pub keys: Keys,
    exclude: GlobSet,
}

impl Layer {
    fn new(keys: Keys) -> Result<Layer, String> {
        let mut set = GlobSetBuilder::new();
        for p in keys.exclude.iter().flatten() {
            set.add(p.glob.clone());
        }
        let exclude = set.build().map_err(|e| e.to_string())?;
        Ok(Layer { keys, exclude })
    }

    /// True when an exclude glob matches `path` (or one of its folders) relative to a root.
    fn excludes(&self, path: &Path, roots: &[PathBuf]) -> bool {
        let relative = roots
            .iter()
            .find_map(|r| path.strip_prefix(r).ok())
            .unwrap_or(path);
        relative
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| self.exclude.is_match(p))
    }
}

/// A configuration file, read.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub layer: Layer,
}

impl ConfigFile {
    /// The folder that exclude globs are relative to.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }
}

/// Parses a configuration file's text; errors name `path` and the line of the problem.
pub fn parse_file(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    let error = |position, message: String| ConfigError {
        origin: path.display().to_string(),
        position,
        message,
    };
    let keys: Keys = toml::from_str(text).map_err(|e| {
        let position = e.span().map(|s| line_column(text, s.start));
        error(position, e.message().trim().to_string())
    })?;
    let layer = Layer::new(keys).map_err(|m| error(None, m))?;
    Ok(ConfigFile {
        path: path.to_path_buf(),
        layer,
    })
}

/// Reads and parses a configuration file.
pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = crate::workspace::read::read_text(path).map_err(|e| ConfigError {
        origin: path.display().to_string(),
        position: None,
        message: format!("cannot read it: {e}"),
    })?;
    parse_file(path, &text)
}

/// Keys of the editor's `leakls` section that belong to the editor plug-in, not to the server.
pub const EDITOR_ONLY_KEYS: [&str; 2] = ["server", "trace"];

/// Keys of the editor's `leakls` section for the server itself, not for the analysis of a file
/// (a `leakls.toml` cannot set them).
pub const SERVER_KEYS: [&str; 5] = [
    "workspace_diagnostics",
    "heap_profile",
    "heap_base_profile",
    "heap_threshold",
    "heap_sample_type",
];

/// `workspace_diagnostics` from the editor's settings: whether the findings of files that are
/// not open are shown (default: yes). Anything but a boolean is an error.
pub fn workspace_diagnostics(value: &serde_json::Value) -> Result<bool, String> {
    let value = value.get("leakls").unwrap_or(value);
    match value.get("workspace_diagnostics") {
        None | Some(serde_json::Value::Null) => Ok(true),
        Some(serde_json::Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "workspace_diagnostics must be true or false, not {other}"
        )),
    }
}

/// Reads the editor's settings: an object of the same keys, or `{"leakls": {...}}`. `null`
/// (a client with nothing to say) is no settings; [`EDITOR_ONLY_KEYS`] are left out.
pub fn parse_editor(value: &serde_json::Value, origin: &str) -> Result<Option<Layer>, ConfigError> {
    let value = match value.get("leakls") {
        Some(inner) => inner,
        None => value,
    };
    if value.is_null() {
        return Ok(None);
    }
    let error = |message: String| ConfigError {
        origin: origin.to_string(),
        position: None,
        message,
    };
    let mut value = value.clone();
    if let Some(object) = value.as_object_mut() {
        // Editor plug-ins keep their own keys in the same section (the binary to start, tracing).
        for key in EDITOR_ONLY_KEYS.iter().chain(&SERVER_KEYS) {
            object.remove(*key);
        }
    }
    let keys: Keys = serde_json::from_value(value).map_err(|e| error(e.to_string()))?;
    Layer::new(keys).map(Some).map_err(error)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// What the configuration says about one file.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub settings: Arc<Settings>,
    /// Matched by an `exclude` glob: not checked, not reported.
    pub excluded: bool,
}

/// Combines a configuration file and the editor's settings for `path` (absolute). A key in the
/// file wins; the editor's exclude globs are relative to the workspace folders.
pub fn resolve(
    path: &Path,
    file: Option<&ConfigFile>,
    editor: Option<&Layer>,
    folders: &[PathBuf],
) -> Resolved {
    let pick = |get: &dyn Fn(&Keys) -> bool| -> Option<&Keys> {
        file.map(|f| &f.layer.keys)
            .filter(|k| get(k))
            .or_else(|| editor.map(|e| &e.keys).filter(|k| get(k)))
    };
    let mut settings = Settings::default();
    if let Some(enable) = pick(&|k| k.enable.is_some()).and_then(|k| k.enable.as_ref()) {
        settings.disabled = Code::ALL
            .into_iter()
            .filter(|c| !enable.contains(&CodeName(*c)))
            .collect();
    }
    if let Some(disable) = pick(&|k| k.disable.is_some()).and_then(|k| k.disable.as_ref()) {
        for CodeName(c) in disable {
            if !settings.disabled.contains(c) {
                settings.disabled.push(*c);
            }
        }
    }
    if let Some(severity) = pick(&|k| k.severity.is_some()).and_then(|k| k.severity.as_ref()) {
        settings.severity = severity.iter().map(|(c, s)| (c.0, s.0)).collect();
    }
    settings.go_version = pick(&|k| k.go_version.is_some())
        .and_then(|k| k.go_version)
        .map(|v| v.0);
    settings.tests = pick(&|k| k.tests.is_some())
        .and_then(|k| k.tests)
        .unwrap_or_default();
    settings.collected_timers = pick(&|k| k.collected_timers.is_some())
        .and_then(|k| k.collected_timers)
        .map(|v| v.0)
        .unwrap_or_default();
    let excluded = match (file, editor) {
        (Some(f), _) if f.layer.keys.exclude.is_some() => {
            f.layer.excludes(path, &[f.dir().to_path_buf()])
        }
        (_, Some(e)) => e.excludes(path, folders),
        _ => false,
    };
    Resolved {
        settings: Arc::new(settings),
        excluded,
    }
}

/// What a configuration file lookup found for a folder: nothing, a file, or a broken file.
pub type Found = Option<Result<Arc<ConfigFile>, ConfigError>>;

/// Finds the configuration file of each folder (the nearest `leakls.toml` or `.leakls.toml` at
/// or above it, up to the filesystem root) and remembers what it found.
#[derive(Debug, Default)]
pub struct Loader {
    by_dir: Mutex<HashMap<PathBuf, Found>>,
}

impl Loader {
    /// The configuration file for `file`, whose path must be absolute.
    pub fn for_file(&self, file: &Path) -> Found {
        self.for_dir(file.parent()?)
    }

    fn for_dir(&self, dir: &Path) -> Found {
        if let Some(found) = self.lock().get(dir) {
            return found.clone();
        }
        // Anything by that name: one that cannot be read (a FIFO, too large) is an error to
        // show, not a file to pass over.
        let here = FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.exists());
        let found = match here {
            Some(path) => Some(load(&path).map(Arc::new)),
            None => dir.parent().and_then(|up| self.for_dir(up)),
        };
        self.lock().insert(dir.to_path_buf(), found.clone());
        found
    }

    /// Forgets what was read (a configuration file changed).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The configuration of `file` under the editor's settings. A broken configuration file is
    /// left out (the editor's settings and the defaults apply) and its error returned too.
    pub fn resolve(
        &self,
        file: &Path,
        editor: Option<&Layer>,
        folders: &[PathBuf],
    ) -> (Resolved, Option<ConfigError>) {
        let path = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        match self.for_file(&path) {
            Some(Ok(config)) => (resolve(&path, Some(&config), editor, folders), None),
            Some(Err(e)) => (resolve(&path, None, editor, folders), Some(e)),
            None => (resolve(&path, None, editor, folders), None),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Found>> {
        self.by_dir.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
        parse_file(Path::new("/p/leakls.toml"), text)
    }

    fn settings(text: &str) -> Settings {
        let file = parse(text).unwrap();
        (*resolve(Path::new("/p/a.go"), Some(&file), None, &[]).settings).clone()
    }

    #[test]
    fn every_key() {
        let s = settings(
            "disable = [\"time-tick\"]\ngo_version = \"1.23\"\nexclude = [\"gen/**\"]\n\n[severity]\nglobal-growth = \"hint\"\nunstopped-ticker = \"error\"\n",
        );
        assert_eq!(s.disabled, [Code::TimeTick]);
        assert_eq!(s.severity_of(Code::GlobalGrowth), Some(Severity::Hint));
        assert_eq!(s.severity_of(Code::UnstoppedTicker), Some(Severity::Error));
        assert_eq!(s.severity_of(Code::AfterInLoop), None);
        assert_eq!(s.go_version, Some(GoVersion::new(1, 23, 0)));
        assert_eq!(settings(""), Settings::default());
        assert!(!Settings::default().tests);
        assert_eq!(Settings::default().collected_timers, CollectedTimers::Off);
        let s = settings("tests = true\ncollected_timers = \"hint\"\n");
        assert!(s.tests);
        assert_eq!(s.collected_timers, CollectedTimers::Hint);
    }

    #[test]
    fn enable_runs_only_those_checks() {
        let s =
            settings("enable = [\"after-in-loop\", \"time-tick\"]\ndisable = [\"time-tick\"]\n");
        for code in Code::ALL {
            assert_eq!(s.enabled(code), code == Code::AfterInLoop, "{code}");
        }
    }

    #[test]
    fn an_unknown_key_names_the_file_and_line() {
        let e = parse("go_version = \"1.22\"\n\ndisabled = [\"time-tick\"]\n").unwrap_err();
        assert_eq!(e.position, Some((3, 1)), "{e}");
        let text = e.to_string();
        assert!(
            text.starts_with("/p/leakls.toml:3:1: unknown field `disabled`"),
            "{text}"
        );
        assert!(text.contains("`disable`"), "it lists the keys: {text}");

        let e = parse("[severity]\nglobal-growth = \"hint\"\nnosuch = \"hint\"\n").unwrap_err();
        assert_eq!(e.position.map(|p| p.0), Some(3), "{e}");
        assert!(e.message.contains("unknown code \"nosuch\""), "{e}");
    }

    #[test]
    fn bad_values_name_the_line() {
        let cases = [
            (
                "disable = [\"time-tick\", \"tick\"]\n",
                1,
                "unknown code \"tick\"",
            ),
            (
                "\n[severity]\nglobal-growth = \"loud\"\n",
                3,
                "unknown severity \"loud\"",
            ),
            ("go_version = 1.22\n", 1, "invalid type"),
            (
                "go_version = \"1.x\"\n",
                1,
                "go_version must be a Go version",
            ),
            ("exclude = [\"gen/[\"]\n", 1, "bad exclude glob"),
            (
                "collected_timers = \"info\"\n",
                1,
                "unknown value \"info\" for collected_timers",
            ),
            ("tests = \"yes\"\n", 1, "invalid type"),
            ("disable = \"time-tick\"\n", 1, "invalid type"),
            ("disable = [\n", 1, ""),
        ];
        for (text, line, needle) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.position.map(|p| p.0), Some(line), "{text:?}: {e}");
            assert!(e.message.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn exclude_globs_are_relative_to_the_file() {
        let file = parse("exclude = [\"gen\", \"**/*_mock.go\", \"./one.go\"]\n").unwrap();
        let excluded = |p: &str| resolve(Path::new(p), Some(&file), None, &[]).excluded;
        assert!(excluded("/p/gen/a.go"));
        assert!(excluded("/p/gen/deep/a.go"));
        assert!(excluded("/p/x/y/store_mock.go"));
        assert!(excluded("/p/store_mock.go"));
        assert!(excluded("/p/one.go"));
        assert!(!excluded("/p/x/one.go"));
        assert!(!excluded("/p/x/gen.go"));
        assert!(!excluded("/q/gen/a.go"));
    }

    #[test]
    fn the_file_wins_key_by_key_over_the_editor() {
        let editor = parse_editor(
            &serde_json::json!({ "leakls": { "disable": ["time-tick"], "go_version": "1.21", "exclude": ["vendor2"] } }),
            "settings",
        )
        .unwrap()
        .unwrap();
        let file = parse("go_version = \"1.23\"\n").unwrap();
        let r = resolve(
            Path::new("/w/vendor2/a.go"),
            Some(&file),
            Some(&editor),
            &[PathBuf::from("/w")],
        );
        assert_eq!(r.settings.disabled, [Code::TimeTick]);
        assert_eq!(r.settings.go_version, Some(GoVersion::new(1, 23, 0)));
        assert!(
            r.excluded,
            "the editor's globs are relative to the workspace folder"
        );
        assert!(parse_editor(&serde_json::Value::Null, "x")
            .unwrap()
            .is_none());
        let e = parse_editor(
            &serde_json::json!({ "severty": {} }),
            "initializationOptions",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("initializationOptions: unknown field `severty`"),
            "{e}"
        );
    }

    #[test]
    fn the_nearest_file_wins() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(
            root.path().join("leakls.toml"),
            "disable = [\"time-tick\"]\n",
        )
        .unwrap();
        std::fs::write(
            root.path().join("a/.leakls.toml"),
            "disable = [\"after-in-loop\"]\n",
        )
        .unwrap();
        let loader = Loader::default();
        let found = loader.for_file(&deep.join("x.go")).unwrap().unwrap();
        assert_eq!(found.path, root.path().join("a/.leakls.toml"));
        let found = loader.for_file(&root.path().join("x.go")).unwrap().unwrap();
        assert_eq!(found.path, root.path().join("leakls.toml"));
        std::fs::write(root.path().join("a/b/leakls.toml"), "nope = 1\n").unwrap();
        loader.clear();
        let (resolved, error) = loader.resolve(&deep.join("x.go"), None, &[]);
        assert!(error
            .unwrap()
            .to_string()
            .contains("b/leakls.toml:1:1: unknown field `nope`"));
        assert_eq!(resolved.settings.disabled, [], "a broken file is left out");
    }
}
