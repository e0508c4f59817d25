//! `initialized`: the first scan of the workspace starts, file watching is asked for and the
//! editor's settings are fetched, all off the handler.

use crate::server::*;

impl Backend {
    pub(crate) async fn on_initialized(&self, _: InitializedParams) {
        let message = format!(
            "leakls {} ready ({:?} positions)",
            env!("CARGO_PKG_VERSION"),
            self.state.encoding()
        );
        self.log(Level::Info, message).await;
        self.show_config_errors().await;
        self.start_initial_scan();
        // Requests to the client, off the handler: the next messages need not wait for answers.
        let me = self.clone();
        tokio::spawn(async move {
            me.watch_files().await;
            let generation = me.state.settings_generation.load(Ordering::SeqCst);
            let _one_at_a_time = me.state.settings_lock.lock().await;
            if me.state.settings_generation.load(Ordering::SeqCst) != generation {
                return; // a didChangeConfiguration came meanwhile, and fetches them itself
            }
            if me.pull_editor_settings().await {
                // Documents opened meanwhile were analysed under the settings known then.
                me.state.reconfigure_open_documents(&me.client).await;
                me.show_config_errors().await;
                me.log(Level::Info, "applied the editor's settings".to_string())
                    .await;
            }
        });
    }

    /// The first scan of the workspace folders, in the background, with `$/progress`.
    pub(crate) fn start_initial_scan(&self) {
        let folders = self.state.folders();
        if folders.is_empty() {
            return;
        }
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let token = NumberOrString::String("leakls/index".to_string());
            let progress = if state.work_done_progress.load(Ordering::Relaxed)
                && answer(
                    "window/workDoneProgress/create",
                    client.send_request::<request::WorkDoneProgressCreate>(
                        WorkDoneProgressCreateParams {
                            token: token.clone(),
                        },
                    ),
                )
                .await
                .is_ok()
            {
                Some(
                    client
                        .progress(token, "leakls: indexing")
                        .with_percentage(0)
                        .begin()
                        .await,
                )
            } else {
                None
            };
            let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let total = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let job = {
                let (state, done, total) = (state.clone(), done.clone(), total.clone());
                tokio::task::spawn_blocking(move || {
                    let found = scan::discover(&folders);
                    let files = found.files;
                    total.store(files.len(), Ordering::Relaxed);
                    let skip = |p: &Path| state.is_open(p);
                    let report = |n: usize| done.store(n, Ordering::Relaxed);
                    let mut passed_over = found.skipped;
                    passed_over.extend(scan::index_files(&state.index, &files, &skip, &report));
                    (files.len(), passed_over)
                })
            };
            tokio::pin!(job);
            let mut tick = tokio::time::interval(Duration::from_millis(200));
            let (files, passed_over) = loop {
                tokio::select! {
                    result = &mut job => break result.unwrap_or_default(),
                    _ = tick.tick() => {
                        if let Some(p) = &progress {
                            let t = total.load(Ordering::Relaxed).max(1);
                            let n = done.load(Ordering::Relaxed);
                            p.report_with_message(format!("{n}/{t} files"), (n * 100 / t) as u32).await;
                        }
                    }
                }
            };
            state.reindex_open_documents();
            memory::release_freed();
            let message = format!(
                "indexed {files} Go files in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            if let Some(p) = progress {
                p.finish_with_message(message.clone()).await;
            }
            log_to(&client, Level::Info, message).await;
            log_passed_over(&client, &passed_over).await;
            state.refresh_open_documents(&client, None).await;
            state.scan_done.store(true, Ordering::SeqCst);
            let started = std::time::Instant::now();
            state.publish_closed(&client, state.index.paths()).await;
            if state.workspace_diagnostics.load(Ordering::Relaxed) {
                let message = format!(
                    "checked the files that are not open in {:.2} s: {} with findings",
                    started.elapsed().as_secs_f64(),
                    state.closed_published.len()
                );
                log_to(&client, Level::Info, message).await;
            }
        });
    }

    /// Asks the client to tell us about Go and module files that change on disk.
    pub(crate) async fn watch_files(&self) {
        if !self.state.watch_files.load(Ordering::Relaxed) {
            return;
        }
        let watchers = [
            "**/*.go",
            "**/go.mod",
            "**/go.work",
            "**/leakls.toml",
            "**/.leakls.toml",
        ]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "leakls-watch".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let request = self.client.register_capability(vec![registration]);
        if let Err(e) = answer("client/registerCapability", request).await {
            self.log(Level::Warn, format!("could not watch files: {e}"))
                .await;
        }
    }
}
