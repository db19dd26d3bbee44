//! Messages received from, or sent to, the server, and how binary ones are represented.

/// A complete WebSocket message.
///
/// Received binary messages are [`Message::Binary`] when the socket's [`BinaryType`] is
/// `ArrayBuffer`, and [`Message::Blob`] when it is `Blob` (the browser's default); a `Blob`'s
/// bytes can be read in order with [`WebSocketStream::read_blobs`](crate::WebSocketStream::read_blobs).
///
/// ```
/// use wasm_ws_client::Message;
/// assert_eq!(Message::from("hi"), Message::Text("hi".into()));
/// assert_eq!(Message::from(vec![1u8, 2]), Message::Binary(vec![1, 2]));
/// assert_eq!(Message::Text("hi".into()).as_text(), Some("hi"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message (the JS `data` was a string).
    Text(String),
    /// A binary message, as bytes (`binaryType = "arraybuffer"`).
    Binary(Vec<u8>),
    /// A binary message, as the browser's `Blob` (`binaryType = "blob"`).
    Blob(web_sys::Blob),
}

impl Message {
    /// The text, if this is a text message.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Binary(_) | Self::Blob(_) => None,
        }
    }

    /// How many bytes the message counts for, as `bufferedAmount` counts it: the UTF-8 bytes
    /// of text, the bytes of binary (a Blob, its size).
    pub(crate) fn byte_len(&self) -> usize {
        match self {
            Self::Text(text) => text.len(),
            Self::Binary(bytes) => bytes.len(),
            Self::Blob(blob) => blob.size() as usize,
        }
    }

    /// The bytes, if this is a binary message received as bytes.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Binary(bytes) => Some(bytes),
            Self::Text(_) | Self::Blob(_) => None,
        }
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<Vec<u8>> for Message {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Binary(bytes)
    }
}

impl From<web_sys::Blob> for Message {
    fn from(blob: web_sys::Blob) -> Self {
        Self::Blob(blob)
    }
}

/// `binaryType`: how received binary messages are represented.
///
/// ```
/// use wasm_ws_client::BinaryType;
/// assert_eq!(BinaryType::default(), BinaryType::Blob);
/// assert_eq!(BinaryType::ArrayBuffer.as_str(), "arraybuffer");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BinaryType {
    /// `"blob"`, the browser's default: [`Message::Blob`].
    #[default]
    Blob,
    /// `"arraybuffer"`: [`Message::Binary`], bytes copied once out of the browser's buffer.
    ArrayBuffer,
}

impl BinaryType {
    /// The JS string: `"blob"` or `"arraybuffer"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Blob => "blob",
            Self::ArrayBuffer => "arraybuffer",
        }
    }
}

impl From<BinaryType> for web_sys::BinaryType {
    fn from(binary_type: BinaryType) -> Self {
        match binary_type {
            BinaryType::Blob => Self::Blob,
            BinaryType::ArrayBuffer => Self::Arraybuffer,
        }
    }
}
