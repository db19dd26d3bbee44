//! Frames in and out over the connection actix-http hands over after the handshake, with
//! buffers that hold no memory while the connection is idle.
//!
//! actix-http's HTTP dispatcher keeps an 8 KiB read and an 8 KiB write buffer for a
//! connection's whole life, and actix-ws adds a channel and a body stream: 17 KiB of RSS for a
//! connection that receives one push a second (see `docs/benchmarks.md`). Here a read goes
//! through a buffer on the stack, and only what is in flight stays on the heap: the bytes of a
//! frame not yet complete, the fragments of a message not yet reassembled, a message not yet
//! written. The frames themselves are actix-http's [`ws::Codec`]; the limits and the
//! reassembly are the ones actix-ws applied.

use std::{
    fmt,
    future::poll_fn,
    io,
    mem::MaybeUninit,
    pin::Pin,
    task::{ready, Context, Poll},
};

use actix_codec::{AsyncRead, AsyncWrite, Decoder, Encoder, ReadBuf};
use actix_http::ws::{self, CloseCode, CloseReason, Frame, Item, ProtocolError};
use actix_web::web::{Buf, Bytes, BytesMut};
use bytestring::ByteString;

use crate::frame_guard::{self, FrameTooLarge};

/// The upgraded connection: TCP, or TLS over TCP.
pub trait Stream: AsyncRead + AsyncWrite + Unpin {}

impl<T: AsyncRead + AsyncWrite + Unpin> Stream for T {}

/// The most one read takes from the socket: a burst of small messages, or a good part of a
/// large one. On the stack, and only during the read.
const READ_CHUNK: usize = 8 * 1024;

/// RFC 6455 section 5.5: a control frame's payload is at most 125 bytes; a Close's reason, after
/// its 2-byte code, at most 123. Longer ones are cut (at a character boundary) rather than sent
/// invalid: browsers fail the connection on an oversized control frame.
const MAX_CONTROL_PAYLOAD: usize = 125;
const MAX_CLOSE_REASON: usize = MAX_CONTROL_PAYLOAD - 2;

/// A complete message from the client: fragments reassembled, text checked to be UTF-8.
#[derive(Debug)]
pub(super) enum Message {
    Text(ByteString),
    Binary(Bytes),
    Ping(Bytes),
    Pong(Bytes),
    Close(Option<CloseReason>),
}

/// A frame or message that breaks RFC 6455 or the server's limits: the connection is failed
/// with [`Violation::close_code`].
#[derive(Debug)]
pub enum Violation {
    /// A frame against the protocol: unmasked, reserved bits or opcodes, a fragmented or
    /// oversized control frame, fragments out of order, a bad Close payload (1002).
    Protocol(ProtocolError),
    /// A frame header declaring a payload over the limit, caught before the payload is
    /// buffered (1009).
    FrameTooLarge(FrameTooLarge),
    /// Fragments adding up to more than the limit (1009).
    MessageTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A text message that is not UTF-8 (1007, RFC 6455 section 8.1).
    InvalidUtf8,
}

impl Violation {
    /// The close code it deserves (RFC 6455 section 7.4.1).
    pub fn close_code(&self) -> CloseCode {
        match self {
            Self::Protocol(ProtocolError::Overflow)
            | Self::FrameTooLarge(_)
            | Self::MessageTooLarge { .. } => CloseCode::Size,
            Self::InvalidUtf8 => CloseCode::Invalid,
            Self::Protocol(_) => CloseCode::Protocol,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Protocol(error) => error.fmt(f),
            Self::FrameTooLarge(error) => error.fmt(f),
            Self::MessageTooLarge { limit } => {
                write!(
                    f,
                    "fragments add up to more than the limit of {limit} bytes"
                )
            }
            Self::InvalidUtf8 => f.write_str("a text message is not valid UTF-8"),
        }
    }
}

impl std::error::Error for Violation {}

impl From<ProtocolError> for Violation {
    fn from(error: ProtocolError) -> Self {
        Self::Protocol(error)
    }
}

/// A message being reassembled from its fragments.
struct Fragments {
    text: bool,
    bytes: BytesMut,
}

/// One upgraded connection's frames.
pub(super) struct Socket {
    io: Box<dyn Stream>,
    /// Bytes received and not yet decoded; after decoding, at most the start of one frame.
    read_buf: BytesMut,
    /// Frames encoded and not yet written.
    write_buf: BytesMut,
    codec: ws::Codec,
    max_message_size: usize,
    fragments: Option<Fragments>,
    /// The client has hung up, or the connection failed: nothing more will be read.
    ended: bool,
}

impl Socket {
    /// Frames over `io`, starting with what was read along with the handshake.
    pub(super) fn new(io: Box<dyn Stream>, read: BytesMut, max_message_size: usize) -> Self {
        Self {
            io,
            // Only the bytes, not the HTTP dispatcher's 8 KiB allocation they came in.
            read_buf: BytesMut::from(&read[..]),
            write_buf: BytesMut::new(),
            codec: ws::Codec::new().max_size(max_message_size),
            max_message_size,
            fragments: None,
            ended: false,
        }
    }

    /// The next message; `None` once the client has hung up. Cancel-safe: what has been read
    /// stays in the socket. Writes out whatever is still queued (a pong, say) meanwhile.
    pub(super) async fn message(&mut self) -> Option<Result<Message, Violation>> {
        poll_fn(|cx| self.poll_message(cx)).await
    }

    fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Message, Violation>>> {
        if !self.write_buf.is_empty() {
            if let Poll::Ready(Err(_)) = self.poll_write_out(cx) {
                self.ended = true;
            }
        }
        loop {
            match self.decode() {
                Ok(Some(message)) => return Poll::Ready(Some(Ok(message))),
                Ok(None) if self.ended => return Poll::Ready(None),
                Ok(None) => {}
                Err(violation) => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(violation)));
                }
            }
            match ready!(self.poll_read(cx)) {
                Ok(0) | Err(_) => self.ended = true,
                Ok(_) => {}
            }
        }
    }

    /// Reads what the socket has into `read_buf`, through a buffer on the stack, so that an
    /// idle connection holds no read buffer at all.
    fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut chunk = [MaybeUninit::<u8>::uninit(); READ_CHUNK];
        let mut chunk = ReadBuf::uninit(&mut chunk);
        ready!(Pin::new(&mut self.io).poll_read(cx, &mut chunk))?;
        self.read_buf.extend_from_slice(chunk.filled());
        Poll::Ready(Ok(chunk.filled().len()))
    }

    /// The next complete message in `read_buf`, if there is one.
    fn decode(&mut self) -> Result<Option<Message>, Violation> {
        loop {
            // Before actix-http's parser, which waits for a whole frame: a header declaring too
            // much fails now, not after the client has streamed it all into memory.
            frame_guard::check(&self.read_buf, self.max_message_size as u64)
                .map_err(Violation::FrameTooLarge)?;
            let frame = self.codec.decode(&mut self.read_buf)?;
            if self.read_buf.is_empty() {
                // Release the allocation (the frame's payload keeps its own part of it).
                self.read_buf = BytesMut::new();
            }
            let message = match frame {
                None => return Ok(None),
                Some(Frame::Text(bytes)) => text(bytes)?,
                Some(Frame::Binary(bytes)) => Message::Binary(bytes),
                Some(Frame::Ping(bytes)) => Message::Ping(bytes),
                Some(Frame::Pong(bytes)) => Message::Pong(bytes),
                Some(Frame::Close(reason)) => Message::Close(reason),
                Some(Frame::Continuation(item)) => match self.reassemble(item)? {
                    Some(message) => message,
                    None => continue,
                },
            };
            return Ok(Some(message));
        }
    }

    /// Adds a fragment; the message once its last fragment is in. The codec has checked their
    /// order, actix-ws's limit applies to their sum.
    fn reassemble(&mut self, item: Item) -> Result<Option<Message>, Violation> {
        // Whether a message starts, and whether it is text; the fragment; whether it is the last.
        let (start, fragment, last) = match item {
            Item::FirstText(bytes) => (Some(true), bytes, false),
            Item::FirstBinary(bytes) => (Some(false), bytes, false),
            Item::Continue(bytes) => (None, bytes, false),
            Item::Last(bytes) => (None, bytes, true),
        };
        let mut fragments = match (start, self.fragments.take()) {
            (Some(text), _) => Fragments {
                text,
                bytes: BytesMut::new(),
            },
            (None, Some(fragments)) => fragments,
            (None, None) => return Err(ProtocolError::ContinuationNotStarted.into()),
        };
        if fragments.bytes.len() + fragment.len() > self.max_message_size {
            return Err(Violation::MessageTooLarge {
                limit: self.max_message_size,
            });
        }
        fragments.bytes.extend_from_slice(&fragment);
        if !last {
            self.fragments = Some(fragments);
            return Ok(None);
        }
        let bytes = fragments.bytes.freeze();
        Ok(Some(if fragments.text {
            self::text(bytes)?
        } else {
            Message::Binary(bytes)
        }))
    }

    /// Encodes `message` and writes out everything queued. Cancel-safe: what is not written
    /// yet stays queued, and goes first next time.
    pub(super) async fn send(&mut self, message: ws::Message) -> io::Result<()> {
        self.queue(message)?;
        self.flush().await
    }

    /// Encodes `message` behind what is already queued.
    pub(super) fn queue(&mut self, message: ws::Message) -> io::Result<()> {
        self.codec
            .encode(within_control_limits(message), &mut self.write_buf)
            .map_err(io::Error::other)
    }

    /// Writes out everything queued. Cancel-safe.
    pub(super) async fn flush(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_write_out(cx)).await
    }

    fn poll_write_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.write_buf.is_empty() {
            let written = ready!(Pin::new(&mut self.io).poll_write(cx, &self.write_buf))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.write_buf.advance(written);
        }
        // Release the allocation: an idle connection holds no write buffer.
        self.write_buf = BytesMut::new();
        // TLS holds records until flushed.
        Pin::new(&mut self.io).poll_flush(cx)
    }

    /// Closes the TCP connection (after TLS's close_notify), the server first as RFC 6455
    /// section 7.1.1 asks.
    pub(super) async fn hang_up(&mut self) -> io::Result<()> {
        poll_fn(|cx| Pin::new(&mut self.io).poll_shutdown(cx)).await
    }
}

/// A text frame's payload as text.
fn text(bytes: Bytes) -> Result<Message, Violation> {
    ByteString::try_from(bytes)
        .map(Message::Text)
        .map_err(|_| Violation::InvalidUtf8)
}

/// Cuts an oversized control payload to what RFC 6455 allows (see [`MAX_CONTROL_PAYLOAD`]).
fn within_control_limits(message: ws::Message) -> ws::Message {
    match message {
        ws::Message::Close(Some(mut reason)) => {
            if let Some(description) = &mut reason.description {
                if description.len() > MAX_CLOSE_REASON {
                    let mut end = MAX_CLOSE_REASON;
                    while !description.is_char_boundary(end) {
                        end -= 1;
                    }
                    description.truncate(end);
                }
            }
            ws::Message::Close(Some(reason))
        }
        ws::Message::Ping(bytes) if bytes.len() > MAX_CONTROL_PAYLOAD => {
            ws::Message::Ping(bytes.slice(..MAX_CONTROL_PAYLOAD))
        }
        ws::Message::Pong(bytes) if bytes.len() > MAX_CONTROL_PAYLOAD => {
            ws::Message::Pong(bytes.slice(..MAX_CONTROL_PAYLOAD))
        }
        message => message,
    }
}
