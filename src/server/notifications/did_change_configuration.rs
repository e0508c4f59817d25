//! `workspace/didChangeConfiguration`: the settings are fetched (or taken from the message)
//! and applied, one change at a time.

use crate::server::*;

impl Backend {
    pub(crate) async fn on_did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let generation = self
            .state
            .settings_generation
            .fetch_add(1, Ordering::SeqCst)
            + 1;
        let me = self.clone();
        tokio::spawn(async move {
            let _one_at_a_time = me.state.settings_lock.lock().await;
            if me.state.settings_generation.load(Ordering::SeqCst) != generation {
                return; // a later change will fetch the settings as they are then
            }
            // Pull clients send the settings on request; others push them here.
            if !me.pull_editor_settings().await {
                me.set_editor_settings(&params.settings, "the editor's leakls settings");
            }
            me.configuration_changed().await;
            me.log(Level::Info, "applied the editor's settings".to_string())
                .await;
        });
    }
}
