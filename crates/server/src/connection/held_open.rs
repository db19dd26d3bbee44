//! The WebSocket response body, held open after actix-ws's own body ends (right after the
//! Close frame) until the connection is finished: the server hangs up only when the closing
//! handshake is done (RFC 6455 section 7.1.1), not when actix would.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use actix_web::{
    body::{BodySize, BoxBody, MessageBody},
    web::Bytes,
};
use tokio::sync::oneshot;

/// actix-ws's body, then nothing until `release` fires or is dropped.
pub(super) struct HeldOpen {
    inner: BoxBody,
    inner_done: bool,
    release: oneshot::Receiver<()>,
}

impl HeldOpen {
    pub(super) fn new(inner: BoxBody, release: oneshot::Receiver<()>) -> Self {
        Self {
            inner,
            inner_done: false,
            release,
        }
    }
}

impl MessageBody for HeldOpen {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        if !self.inner_done {
            match Pin::new(&mut self.inner).poll_next(cx) {
                Poll::Ready(None) => self.inner_done = true,
                other => return other,
            }
        }
        Pin::new(&mut self.release).poll(cx).map(|_| None)
    }
}
