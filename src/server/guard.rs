//! Keeps a panic in one handler from ending the server.
//!
//! tower-lsp polls every handler inside its one `serve` future, so a panic anywhere in a handler
//! would unwind through it and end the process. Handlers run under [`catch_panic`] instead; the
//! caller logs the panic and drops whatever state it may have left half-changed. Locks survive:
//! the document map's locks do not poison, and the std locks of the server state are read with
//! `unwrap_or_else(PoisonError::into_inner)`.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::analysis::checks::panic_message as message;

/// Runs `work` to completion, or returns the message of the panic that stopped it.
pub async fn catch_panic<F: Future>(work: F) -> Result<F::Output, String> {
    CatchPanic(Box::pin(work)).await
}

/// Runs `work` now, or returns the message of the panic that stopped it.
pub fn catch_panic_now<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|p| message(p.as_ref()))
}

struct CatchPanic<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(message(payload.as_ref()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_after_an_await_is_caught() {
        let result = catch_panic(async {
            tokio::task::yield_now().await;
            panic!("boom");
        })
        .await;
        assert_eq!(result, Err::<(), _>("boom".to_string()));
        assert_eq!(catch_panic(async { 7 }).await, Ok(7));
        assert_eq!(catch_panic_now(|| 8), Ok(8));
    }
}
