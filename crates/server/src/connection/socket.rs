//! Frames in and out over the connection actix-http hands over after the handshake, with
//! buffers that hold no memory while the connection is idle.
//!
//! actix-http's HTTP dispatcher keeps an 8 KiB read and an 8 KiB write buffer for a
//! connection's whole life, and actix-ws adds a channel and a body stream: 17 KiB of RSS for a
//! connection that receives one push a second (see `docs/benchmarks.md`). Here a read goes
//! through a buffer on the stack, and only what is in flight stays on the heap: the bytes of a
//! frame not yet complete, the fragments of a message not yet reassembled, a message not yet
//! written. The frames are read by the sans-IO [`Receiver`] (RFC 6455 and RFC 7692 checks,
//! reassembly, inflation, the limits) and encoded by the sans-IO [`Sender`]; this file only
//! moves their bytes.

use std::{
    future::poll_fn,
    io,
    mem::MaybeUninit,
    pin::Pin,
    task::{ready, Context, Poll},
};

use actix_codec::{AsyncRead, AsyncWrite, ReadBuf};
use actix_web::web::{Buf, BytesMut};

use crate::{
    deflate::{self, Agreement},
    protocol::{Message, Receiver, Sender},
};

pub use crate::protocol::Violation;

/// The upgraded connection: TCP, or TLS over TCP.
pub trait Stream: AsyncRead + AsyncWrite + Unpin {}

impl<T: AsyncRead + AsyncWrite + Unpin> Stream for T {}

/// The most one read takes from the socket: a burst of small messages, or a good part of a
/// large one. On the stack, and only during the read.
const READ_CHUNK: usize = 8 * 1024;

/// One upgraded connection's frames.
pub(super) struct Socket {
    io: Box<dyn Stream>,
    /// Bytes received and not yet taken by the receiver: at most the start of one frame.
    read_buf: BytesMut,
    /// Frames encoded and not yet written.
    write_buf: BytesMut,
    receiver: Receiver,
    sender: Sender,
    /// The client has hung up, or the connection failed: nothing more will be read.
    ended: bool,
}

impl Socket {
    /// Frames over `io`, starting with what was read along with the handshake, compressed as
    /// `deflate` says if an offer was accepted.
    pub(super) fn new(
        io: Box<dyn Stream>,
        read: BytesMut,
        max_message_size: usize,
        deflate: Option<&Agreement>,
    ) -> Self {
        let (inbound, outbound) = deflate.map(deflate::session).unzip();
        Self {
            io,
            // Only the bytes, not the HTTP dispatcher's 8 KiB allocation they came in.
            read_buf: BytesMut::from(&read[..]),
            write_buf: BytesMut::new(),
            receiver: Receiver::new(max_message_size, inbound),
            sender: Sender::new(outbound),
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

    /// The next complete message in `read_buf`, if there is one; every check the bytes so far
    /// allow is made (see [`Receiver`]).
    fn decode(&mut self) -> Result<Option<Message>, Violation> {
        let message = self.receiver.receive(&mut self.read_buf);
        if self.read_buf.is_empty() {
            // Release the allocation (a message's payload keeps its own part of it).
            self.read_buf = BytesMut::new();
        }
        message
    }

    /// Encodes `message` and writes out everything queued. Cancel-safe: what is not written
    /// yet stays queued, and goes first next time.
    pub(super) async fn send(&mut self, message: &Message) -> io::Result<()> {
        self.queue(message);
        self.flush().await
    }

    /// Encodes `message` behind what is already queued (see [`Sender`]).
    pub(super) fn queue(&mut self, message: &Message) {
        self.sender.encode(message, &mut self.write_buf);
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
