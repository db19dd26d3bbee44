//! The frame receiver, fed each input whole, a byte at a time and cut in two at every point
//! (see `wasm_ws_server_fuzz::receiver`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wasm_ws_server_fuzz::receiver(data));
