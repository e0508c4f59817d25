//! Talking to the client: its answers to our requests, with a timeout, and log lines.

use super::*;

/// How long the server waits for the client to answer one of its requests
/// (`workspace/configuration`, `client/registerCapability`, `window/workDoneProgress/create`).
/// A client that never answers must not hold up anything: the work goes on without the answer.
pub(crate) const CLIENT_ANSWER: Duration = Duration::from_secs(5);

/// The client's answer to a request, or an error once [`CLIENT_ANSWER`] has passed.
pub(crate) async fn answer<T>(
    what: &str,
    request: impl Future<Output = Result<T>>,
) -> std::result::Result<T, String> {
    match tokio::time::timeout(CLIENT_ANSWER, request).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(format!("{what} failed: {e}")),
        Err(_) => Err(format!(
            "{what}: no answer from the editor in {} s",
            CLIENT_ANSWER.as_secs()
        )),
    }
}

pub(crate) async fn log_to(client: &Client, level: Level, message: String) {
    logging::log(level, format_args!("{message}"));
    let typ = match level {
        Level::Error => MessageType::ERROR,
        Level::Warn => MessageType::WARNING,
        Level::Info => MessageType::INFO,
        _ => MessageType::LOG,
    };
    client.log_message(typ, message).await;
}

/// Says which files were not read and why: the first few by name, then how many more.
pub(crate) async fn log_passed_over(client: &Client, passed_over: &[(PathBuf, String)]) {
    const NAMED: usize = 20;
    for (path, why) in passed_over.iter().take(NAMED) {
        log_to(client, Level::Warn, format!("{}: {why}", path.display())).await;
    }
    if passed_over.len() > NAMED {
        let more = passed_over.len() - NAMED;
        log_to(
            client,
            Level::Warn,
            format!("and {more} more files not read"),
        )
        .await;
    }
}
