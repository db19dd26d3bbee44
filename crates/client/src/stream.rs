//! `futures` integration: a [`Stream`] of received messages that is also a [`Sink`] of messages.

use std::{
    future::Future,
    pin::Pin,
    rc::Rc,
    task::{ready, Context, Poll},
};

use futures_core::Stream;
use futures_sink::Sink;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::{dispatch::StreamQueue, Error, Message, ReadyState, WebSocket};

/// The messages a socket receives, as a [`Stream`], and the messages it sends, as a [`Sink`].
/// Made by [`WebSocket::stream`].
///
/// The stream yields every message received after it was made, in order, and ends after the
/// close event. The sink waits for the network: its `poll_ready` waits while the socket is
/// CONNECTING, and while more than the high-water mark waits in the browser's send buffer
/// (`bufferedAmount`), until it has drained to the low-water mark (see
/// [`WebSocket::set_flow_control`]); it fails with [`Error::Closed`] once the socket is CLOSING
/// or CLOSED. `poll_flush` does the same wait: so `sink.send(message).await` completes when the
/// message has left the app's hands and there is room for the next, and at most the
/// high-water mark plus one message waits in the browser. Closing the sink closes the socket
/// and waits for the close event. It holds a [`WebSocket`] handle: after `split()`, any other clone can
/// still close the connection.
///
/// ```no_run
/// use futures_util::{SinkExt, StreamExt};
/// use wasm_ws_client::{Message, WebSocket};
///
/// # async fn demo() -> Result<(), wasm_ws_client::Error> {
/// let socket = WebSocket::open("/websocket/test")?;
/// let (mut writer, mut reader) = socket.stream().split();
/// writer.send(Message::from("hello")).await?; // waits for the socket to open
/// while let Some(message) = reader.next().await {
///     web_sys::console::log_1(&format!("{message:?}").into());
///     socket.close(); // the original handle still closes it
/// }
/// # Ok(()) }
/// ```
pub struct WebSocketStream {
    socket: WebSocket,
    queue: Rc<StreamQueue>,
}

impl WebSocketStream {
    pub(crate) fn new(socket: WebSocket, queue: Rc<StreamQueue>) -> Self {
        Self { socket, queue }
    }

    /// The socket this stream reads from and writes to.
    pub fn socket(&self) -> &WebSocket {
        &self.socket
    }

    /// Turns each [`Message::Blob`] into [`Message::Binary`] by reading its bytes, keeping the
    /// order in which the messages arrived: a text message that follows a large Blob waits
    /// until the Blob has been read. Other messages pass through unchanged.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// # async fn demo() -> Result<(), wasm_ws_client::Error> {
    /// let socket = wasm_ws_client::WebSocket::open("/websocket/test")?; // binaryType "blob"
    /// let mut messages = socket.stream().read_blobs();
    /// while let Some(message) = messages.next().await {
    ///     let message = message?; // Binary(bytes) or Text, never Blob
    /// }
    /// # Ok(()) }
    /// ```
    pub fn read_blobs(self) -> ReadBlobs {
        ReadBlobs {
            inner: self,
            reading: None,
        }
    }
}

impl Stream for WebSocketStream {
    type Item = Message;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Message>> {
        self.queue.poll_next(cx)
    }
}

impl Sink<Message> for WebSocketStream {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        match self.socket.ready_state() {
            ReadyState::Connecting => {
                self.socket.dispatch().wait_for_open(cx);
                return Poll::Pending;
            }
            ReadyState::Open => {}
            state => return Poll::Ready(Err(Error::Closed(state))),
        }
        if let Some(flow) = self.socket.flow_control() {
            if self.socket.buffered_amount() as usize > flow.high_water_mark {
                // Until the low-water mark: one wake-up for a buffer's worth of sends.
                ready!(self
                    .socket
                    .poll_drained(cx, saturating_u32(flow.low_water_mark)));
                // Drained, or closed meanwhile: say which.
                return self.poll_ready(cx);
            }
        }
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, message: Message) -> Result<(), Error> {
        self.socket.send(&message)
    }

    /// Ready while the browser's send buffer has room for the next message (at most the
    /// high-water mark); above it, waits until the buffer has drained to the low-water mark
    /// (so that `send().await`, which flushes after each message, wakes once per buffer's worth,
    /// not once per message), or the socket closed. Without flow control, ready at once.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let Some(flow) = self.socket.flow_control() else {
            return Poll::Ready(Ok(()));
        };
        if self.socket.buffered_amount() as usize <= flow.high_water_mark {
            return Poll::Ready(Ok(()));
        }
        let below = saturating_u32(flow.low_water_mark);
        self.socket.poll_drained(cx, below).map(Ok)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.socket.close();
        if self.socket.dispatch().close_event().is_some() {
            return Poll::Ready(Ok(()));
        }
        self.socket.dispatch().wait_for_close(cx);
        Poll::Pending
    }
}

fn saturating_u32(bytes: usize) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

/// A [`WebSocketStream`] whose Blobs are read into bytes, in order; see
/// [`WebSocketStream::read_blobs`]. Its items are `Result`s because reading a Blob can fail.
pub struct ReadBlobs {
    inner: WebSocketStream,
    /// The Blob being read; later messages wait in the queue until it is done.
    reading: Option<JsFuture>,
}

impl Stream for ReadBlobs {
    type Item = Result<Message, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(reading) = self.reading.as_mut() {
                let result = match Pin::new(reading).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => result,
                };
                self.reading = None;
                return Poll::Ready(Some(match result {
                    Ok(buffer) => Ok(Message::Binary(
                        Uint8Array::new(buffer.unchecked_ref::<ArrayBuffer>()).to_vec(),
                    )),
                    Err(error) => Err(Error::from_js(error)),
                }));
            }
            match self.inner.queue.poll_next(cx) {
                Poll::Ready(Some(Message::Blob(blob))) => {
                    self.reading = Some(JsFuture::from(blob.array_buffer()))
                }
                other => return other.map(|message| message.map(Ok)),
            }
        }
    }
}
