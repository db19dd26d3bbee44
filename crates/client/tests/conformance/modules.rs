// The conformance suite's modules, one per area: included by `main.rs` (on a page) and by
// `in_dedicated_worker.rs` (in a worker), whose directory is this one.
mod async_api;
mod binary;
mod close;
mod constructor;
mod events;
mod ownership;
mod sample;
mod send;
mod support;
