//! The permessage-deflate inflater, fed each input whole and cut in two at every point, and
//! the compressor's output read back (see `wasm_ws_server_fuzz::inflater`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wasm_ws_server_fuzz::inflater(data));
