//! `textDocument/inlayHint`: what the heap profile the settings name holds on each line, at
//! the line's end; and the loading of that profile, off the message loop.

use crate::server::heap_hints::{HeapSettings, LineFigure, Overlay};
use crate::server::*;

impl Backend {
    pub(crate) fn inlay_hints(&self, params: InlayHintParams) -> Option<Vec<InlayHint>> {
        let overlay = self
            .state
            .heap
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        if !self.state.heap_reloading.load(Ordering::SeqCst) && overlay.stale() {
            self.reload_heap();
        }
        let uri = params.text_document.uri;
        let figures = self.state.heap_docs.get(&uri)?.clone();
        let enc = self.state.encoding();
        let rope = self.state.docs.get(&uri)?.doc.rope().clone();
        let hints = figures
            .iter()
            .filter(|f| f.line >= params.range.start.line && f.line <= params.range.end.line)
            .filter_map(|f| {
                let line = f.line as usize;
                if line >= rope.len_lines() {
                    return None;
                }
                // The end of the line, before its line break.
                let text = rope.line(line).to_string();
                let body = text.trim_end_matches(['\n', '\r']);
                let start = rope.line_to_byte(line);
                let position = convert::position(&rope, start + body.len(), enc);
                Some(InlayHint {
                    position,
                    label: InlayHintLabel::String(overlay.label(f.value)),
                    kind: None,
                    text_edits: None,
                    tooltip: Some(InlayHintTooltip::String(format!(
                        "leakls: from the heap profile {}{} ({}); what this line allocates, \
                         through what it calls",
                        overlay
                            .settings
                            .profile
                            .as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                        overlay
                            .settings
                            .base
                            .as_ref()
                            .map(|b| format!(" against {}", b.display()))
                            .unwrap_or_default(),
                        overlay.settings.sample_type
                    ))),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
            })
            .collect();
        Some(hints)
    }

    /// Takes new heap settings: a change loads the profile again.
    pub(crate) fn set_heap_settings(&self, settings: HeapSettings) {
        let changed = {
            let mut current = self
                .state
                .heap_settings
                .write()
                .unwrap_or_else(|e| e.into_inner());
            let changed = *current != settings;
            *current = settings;
            changed
        };
        if changed {
            self.reload_heap();
        }
    }

    /// Reads the profile the settings name off the message loop, then shows it: the open
    /// documents' figures, their diagnostics' notes, and a refresh of the editor's hints.
    pub(crate) fn reload_heap(&self) {
        let generation = self.state.heap_generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.state.heap_reloading.store(true, Ordering::SeqCst);
        let settings = self
            .state
            .heap_settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let folders = self
            .state
            .folders
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let me = self.clone();
        tokio::spawn(async move {
            let loaded =
                tokio::task::spawn_blocking(move || Overlay::load(&settings, &folders)).await;
            if me.state.heap_generation.load(Ordering::SeqCst) != generation {
                return; // newer settings, or a newer file: its own load is on its way
            }
            let overlay = match loaded {
                Ok(Ok(overlay)) => overlay.map(Arc::new),
                Ok(Err(e)) => {
                    me.client
                        .show_message(MessageType::WARNING, format!("leakls heap profile: {e}"))
                        .await;
                    None
                }
                Err(e) => {
                    me.log(
                        Level::Error,
                        format!("loading the heap profile failed: {e}"),
                    )
                    .await;
                    None
                }
            };
            if let Some(o) = overlay.as_ref().filter(|o| !o.in_workspace) {
                let name = o
                    .settings
                    .profile
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                me.client
                    .show_message(
                        MessageType::WARNING,
                        format!(
                            "leakls heap profile: {name}: none of its lines is in the workspace \
                             folders: a profile of another program?"
                        ),
                    )
                    .await;
            }
            if let Some(o) = &overlay {
                let lines: usize = o.by_file.values().map(Vec::len).sum();
                me.log(
                    Level::Info,
                    format!(
                        "heap profile loaded: {lines} lines in {} files",
                        o.by_file.len()
                    ),
                )
                .await;
            }
            *me.state.heap.write().unwrap_or_else(|e| e.into_inner()) = overlay;
            me.state.heap_reloading.store(false, Ordering::SeqCst);
            let uris = me.state.open_documents_for_a_pass();
            for uri in &uris {
                me.state.start_heap_figures_of_open(uri);
            }
            // Their diagnostics again: a finding's message says what the profile saw.
            for uri in &uris {
                me.state.reanalyze(&me.client, uri).await;
            }
            if me.state.inlay_hint_refresh.load(Ordering::Relaxed) {
                let _ = answer(
                    "workspace/inlayHint/refresh",
                    me.client.inlay_hint_refresh(),
                )
                .await;
            }
        });
    }
}

impl State {
    /// An open document's figures from the loaded profile (none for one closed meanwhile).
    /// Whether they changed.
    pub(crate) fn start_heap_figures_of_open(&self, uri: &Uri) -> bool {
        let Some(path) = self.docs.get(uri).map(|d| d.path.clone()) else {
            return false;
        };
        let changed = self.start_heap_figures(uri, path.as_deref());
        if !self.docs.contains_key(uri) {
            self.heap_docs.remove(uri);
        }
        changed
    }

    /// Analyses an open document again and publishes what it finds.
    pub(crate) async fn reanalyze(&self, client: &Client, uri: &Uri) {
        let pending = self
            .contained(client, uri, |open| Some(self.analyze(uri, open)))
            .await;
        if let Some(p) = pending {
            self.publish(client, p).await;
        }
    }

    /// A document's figures, from the loaded profile and the file's path (as on disk).
    /// Whether they changed.
    pub(crate) fn start_heap_figures(&self, uri: &Uri, path: Option<&Path>) -> bool {
        let overlay = self.heap.read().unwrap_or_else(|e| e.into_inner()).clone();
        let figures: Option<Vec<LineFigure>> = overlay.and_then(|o| {
            let path = path?;
            o.by_file.get(path).cloned()
        });
        let changed = self.heap_docs.get(uri).as_deref() != figures.as_ref();
        match figures {
            Some(f) => {
                self.heap_docs.insert(uri.clone(), f);
            }
            None => {
                self.heap_docs.remove(uri);
            }
        }
        changed
    }

    /// What a diagnostic on `line` of `uri` adds from the heap profile, if anything.
    pub(crate) fn heap_note(&self, uri: &Uri, line: u32) -> Option<String> {
        let value = self
            .heap_docs
            .get(uri)?
            .iter()
            .find(|f| f.line == line)?
            .value;
        let overlay = self
            .heap
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        Some(overlay.finding_note(value))
    }
}
