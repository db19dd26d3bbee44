//! Rule 8: `binaryType`, Blob and ArrayBuffer, and delivery order (WPT: binaryType-wrong-value,
//! Send-binary-blob, Send-binary-arraybuffer*, and our own ordering test).

use futures_util::{StreamExt, TryStreamExt};
use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen_test::*;
use wasm_ws_client::{BinaryType, Message, WebSocket};

use crate::support::{endpoint, next_event, open_echo, Event};

fn blob_of(bytes: &[u8]) -> web_sys::Blob {
    let parts = Array::of1(&Uint8Array::from(bytes));
    web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
}

/// The bytes of a Blob, read through the crate's own ordered reader would be circular here:
/// read them directly.
async fn bytes_of(blob: &web_sys::Blob) -> Vec<u8> {
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .unwrap();
    Uint8Array::new(&buffer).to_vec()
}

#[wasm_bindgen_test]
async fn rule8_blob_is_the_default_and_delivers_blobs() {
    let (socket, mut events) = open_echo(&[]).await;
    assert_eq!(socket.binary_type(), BinaryType::Blob);
    socket.send_bytes(&[1, 2, 3]).unwrap();
    match next_event(&mut events).await {
        Event::Message(Message::Blob(blob)) => assert_eq!(bytes_of(&blob).await, [1, 2, 3]),
        other => panic!("expected a Blob, got {other:?}"),
    }
    socket.close();
}

#[wasm_bindgen_test]
async fn rule8_arraybuffer_delivers_bytes_and_a_change_applies_to_later_messages() {
    let (socket, mut events) = open_echo(&[]).await;
    socket.set_binary_type(BinaryType::ArrayBuffer);
    assert_eq!(socket.binary_type(), BinaryType::ArrayBuffer);
    socket.send_bytes(&[4, 5]).unwrap();
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::Binary(vec![4, 5]))
    );
    socket.set_binary_type(BinaryType::Blob);
    socket.send_bytes(&[6]).unwrap();
    assert!(matches!(
        next_event(&mut events).await,
        Event::Message(Message::Blob(_))
    ));
    socket.close();
}

#[wasm_bindgen_test]
async fn rule8_blobs_and_array_buffers_can_be_sent() {
    let (socket, mut events) = open_echo(&[]).await;
    socket.set_binary_type(BinaryType::ArrayBuffer);
    socket.send_blob(&blob_of(b"from a blob")).unwrap();
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::Binary(b"from a blob".to_vec()))
    );
    let buffer: ArrayBuffer = Uint8Array::from(&b"from an array buffer"[..]).buffer();
    socket.send_array_buffer(&buffer).unwrap();
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::Binary(b"from an array buffer".to_vec()))
    );
    socket.send(&Message::Blob(blob_of(&[9; 70]))).unwrap();
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::Binary(vec![9; 70]))
    );
    socket.close();
}

/// Checks a burst of `pairs` (64 KiB binary, then text) arrived whole and in order.
fn check_burst(messages: &[Message], pairs: u32) {
    assert_eq!(messages.len(), 2 * pairs as usize);
    for (index, message) in messages.iter().enumerate() {
        match message {
            Message::Binary(bytes) => {
                assert_eq!(bytes.len(), 65_536, "message {index}");
                assert_eq!(
                    u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize,
                    index
                );
            }
            Message::Text(text) => assert_eq!(text.parse::<usize>().unwrap(), index),
            Message::Blob(_) => panic!("message {index} is still a Blob"),
        }
    }
}

#[wasm_bindgen_test]
async fn rule8_with_blob_a_small_text_after_a_large_binary_keeps_its_place() {
    const PAIRS: u32 = 50;
    let socket = WebSocket::open(&endpoint(&format!("burst?count={PAIRS}&size=65536"))).unwrap();
    let messages: Vec<Message> = socket.stream().read_blobs().try_collect().await.unwrap();
    check_burst(&messages, PAIRS);
}

#[wasm_bindgen_test]
async fn rule8_with_arraybuffer_the_burst_arrives_in_order() {
    const PAIRS: u32 = 50;
    let socket = WebSocket::open(&endpoint(&format!("burst?count={PAIRS}&size=65536"))).unwrap();
    socket.set_binary_type(BinaryType::ArrayBuffer);
    let messages: Vec<Message> = socket.stream().collect().await;
    check_burst(&messages, PAIRS);
}
