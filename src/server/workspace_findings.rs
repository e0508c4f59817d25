//! Findings for the files of the workspace that are not open, as gopls and rust-analyzer show
//! them: published once the first scan is done, kept current as files change on disk or in the
//! editor (a growth in an open file can make a closed file's map a finding), and cleared when
//! they go. The setting `workspace_diagnostics = false` keeps diagnostics to open files.
//!
//! A closed file is read, parsed and checked off the message loop, against the index, and only
//! its findings are kept: its tree is dropped at once. What is published for it carries no
//! version; an open buffer's diagnostics win (a result for a file opened meanwhile is dropped).

use crate::analysis::module::ModuleIndex;
use crate::server::*;

/// One closed file's findings, ready to send.
struct Closed {
    uri: Uri,
    findings: Vec<Finding>,
    rope: Rope,
}

impl State {
    /// Reads and checks one closed file; `None` when it cannot be read (or is open).
    fn check_closed(&self, path: &Path, parser: &mut tree_sitter::Parser) -> Option<Closed> {
        let uri = Uri::from_file_path(path)?;
        if self.docs.contains_key(&uri) || !self.may_read(path) {
            return None;
        }
        let text = crate::workspace::read::read_text(path).ok()?;
        let (ctx, excluded) = self.file_context(Some(path));
        if excluded {
            return Some(Closed {
                uri,
                findings: Vec::new(),
                rope: Rope::new(),
            });
        }
        let tree = parser.parse(&text, None)?;
        let (mut all, module) = self.findings_of(&text, &tree, Some(path), &ctx, &mut Vec::new());
        all.extend(module);
        drop(tree);
        let findings = analysis::finish_with(&text, all, &ctx.settings);
        let rope = if findings.is_empty() {
            Rope::new()
        } else {
            Rope::from_str(&text)
        };
        Some(Closed {
            uri,
            findings,
            rope,
        })
    }

    /// The closed files of the packages of `paths` (and `paths` themselves): what a change to
    /// them can change the findings of.
    pub(crate) fn with_package_peers(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = paths.to_vec();
        let mut packages = HashSet::new();
        for path in paths {
            packages.insert(self.index.package_path_of(path));
        }
        for package in packages {
            out.extend(
                self.index
                    .package_files(&package)
                    .iter()
                    .map(|f| f.path.clone()),
            );
        }
        out.sort();
        out.dedup();
        out.retain(|p| !self.is_open(p));
        out
    }

    /// Checks the closed files among `paths` off the message loop and publishes their findings;
    /// clears those published before that have none now (or are gone).
    pub(crate) async fn publish_closed(self: &Arc<Self>, client: &Client, paths: Vec<PathBuf>) {
        if !self.workspace_diagnostics.load(Ordering::Relaxed) || paths.is_empty() {
            return;
        }
        let many = paths.len() > 64;
        let me = self.clone();
        let results = tokio::task::spawn_blocking(move || me.check_closed_all(&paths))
            .await
            .unwrap_or_default();
        if many {
            // Every file was parsed and its tree dropped: give the pages back (see memory.rs).
            memory::release_freed();
        }
        let enc = self.encoding();
        for (path, closed) in results {
            let Some(closed) = closed else {
                // Unreadable or gone: whatever it showed goes.
                if let Some(uri) = Uri::from_file_path(&path) {
                    self.clear_closed(client, &uri).await;
                }
                continue;
            };
            if closed.findings.is_empty() {
                self.clear_closed(client, &closed.uri).await;
                continue;
            }
            let diagnostics: Vec<Diagnostic> = closed
                .findings
                .iter()
                .map(|f| {
                    publish::to_diagnostic(f, &closed.uri, &closed.rope, enc, &|p, r| {
                        self.locate(p, r)
                    })
                })
                .collect();
            let _guard = self.publish_lock.lock().await;
            if self.docs.contains_key(&closed.uri) {
                continue; // opened meanwhile: its buffer's findings win
            }
            self.closed_published.insert(closed.uri.clone());
            client
                .publish_diagnostics(closed.uri, diagnostics, None)
                .await;
        }
    }

    /// Checks `paths` on every core; `None` for a file that is open or cannot be read.
    fn check_closed_all(&self, paths: &[PathBuf]) -> Vec<(PathBuf, Option<Closed>)> {
        let results = batch::parallel_map(paths, |path, parser| {
            (!self.is_open(path)).then(|| {
                guard::catch_panic_now(|| self.check_closed(path, parser))
                    .ok()
                    .flatten()
            })
        });
        let mut out: Vec<(PathBuf, Option<Closed>)> = paths
            .iter()
            .zip(results)
            .filter_map(|(path, checked)| checked.map(|closed| (path.clone(), closed)))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Clears what was published for a closed file, if anything was.
    pub(crate) async fn clear_closed(&self, client: &Client, uri: &Uri) {
        let _guard = self.publish_lock.lock().await;
        if self.closed_published.remove(uri).is_some() && !self.docs.contains_key(uri) {
            client
                .publish_diagnostics(uri.clone(), Vec::new(), None)
                .await;
        }
    }

    /// Clears every closed file's diagnostics (the setting was turned off).
    pub(crate) async fn clear_all_closed(&self, client: &Client) {
        let uris: Vec<Uri> = self
            .closed_published
            .iter()
            .map(|u| u.key().clone())
            .collect();
        for uri in uris {
            self.clear_closed(client, &uri).await;
        }
    }
}
