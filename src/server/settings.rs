//! The editor's settings: fetched with `workspace/configuration` or pushed with
//! `didChangeConfiguration`, and configuration errors shown once.

use super::*;

impl Backend {
    /// Shows each queued configuration error once with `window/showMessage` (and logs it).
    pub(crate) async fn show_config_errors(&self) {
        let queued = {
            let mut errors = self
                .state
                .config_errors
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let (shown, queued) = &mut *errors;
            let queued = std::mem::take(queued);
            shown.extend(queued.iter().cloned());
            queued
        };
        for message in queued {
            logging::log(Level::Error, format_args!("{message}"));
            self.client.show_message(MessageType::ERROR, message).await;
        }
    }

    /// Takes the editor's settings from `value` (`null`: none); a bad value is shown and the
    /// settings are then none.
    pub(crate) fn set_editor_settings(&self, value: &serde_json::Value, origin: &str) {
        let layer = match config::parse_editor(value, origin) {
            Ok(layer) => layer,
            Err(e) => {
                self.state.queue_config_error(&e);
                None
            }
        };
        *self
            .state
            .editor_settings
            .write()
            .unwrap_or_else(|e| e.into_inner()) = layer;
        let workspace = config::workspace_diagnostics(value).unwrap_or_else(|message| {
            self.state.queue_config_error(&ConfigError {
                origin: origin.to_string(),
                position: None,
                message,
            });
            true
        });
        self.state
            .workspace_diagnostics
            .store(workspace, Ordering::Relaxed);
        let root = self
            .state
            .folders
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .first()
            .cloned();
        match heap_hints::settings(value, root.as_deref()) {
            Ok(heap) => self.set_heap_settings(heap),
            Err(message) => self.state.queue_config_error(&ConfigError {
                origin: origin.to_string(),
                position: None,
                message,
            }),
        }
    }

    /// Asks the client for the `leakls` section of its settings, if it can answer. Returns false
    /// when it cannot (the settings stay as they are).
    pub(crate) async fn pull_editor_settings(&self) -> bool {
        if !self.state.pull_configuration.load(Ordering::Relaxed) {
            return false;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("leakls".to_string()),
        };
        match answer(
            "workspace/configuration",
            self.client.configuration(vec![item]),
        )
        .await
        {
            Ok(values) => {
                let value = values.into_iter().next().unwrap_or_default();
                self.set_editor_settings(&value, "the editor's leakls settings");
                true
            }
            Err(e) => {
                self.log(Level::Warn, format!("{e}; keeping the settings"))
                    .await;
                false
            }
        }
    }

    /// After any change of configuration: forget what was read, re-analyse every open
    /// document and show what is wrong.
    pub(crate) async fn configuration_changed(&self) {
        self.state.configs.clear();
        self.state
            .config_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clear();
        self.state.reconfigure_open_documents(&self.client).await;
        self.show_config_errors().await;
        // Settings reach every file: check the closed ones again, or clear them when the
        // setting is off.
        if self.state.scan_done.load(Ordering::SeqCst) {
            if self.state.workspace_diagnostics.load(Ordering::Relaxed) {
                let all = self.state.index.paths();
                self.state.publish_closed(&self.client, all).await;
            } else {
                self.state.clear_all_closed(&self.client).await;
            }
        }
    }
}
