//! The reconnecting layer's native tests: a real connection, driver and core over the
//! in-memory network, with a virtual clock (`sim.rs`); its rules scenario by scenario
//! (`scenarios.rs`), and as properties of random runs (`properties.rs`).

mod properties;
mod scenarios;
mod sim;
