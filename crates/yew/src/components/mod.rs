//! What a page renders: the provider of one connection for a subtree, and the console. They
//! sit above the hooks they use.

pub mod console;
pub mod provider;
