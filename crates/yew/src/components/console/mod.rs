//! `WebSocketConsole`: the tutorial's sample page as a reusable, customisable component. One job
//! per file:
//!
//! - `props.rs`: what a page gives it (props, labels, ids, where its connection comes from) and
//!   the line a custom renderer receives;
//! - `view.rs`: the component: its connection, what it keeps between renders, its markup;
//! - `send.rs`: what "send" does with the textarea's message, and which line reports it;
//! - `status.rs`: the state badge, and which buttons each state enables;
//! - `lines.rs`: the lines kept, and what each event of the connection says;
//! - `viewport.rs`: which lines are in view (pure arithmetic, tested natively);
//! - `clock.rs`: when the log renders (once per animation frame, 20 times a second under a
//!   flood);
//! - `size.rs`: what keeps the console small, each tweak with what it saves.

mod clock;
mod lines;
mod props;
mod send;
mod size;
mod status;
mod view;
mod viewport;

pub use props::{
    ConsoleConnection, ConsoleIds, ConsoleLabels, ConsoleLine, LineKind, WebSocketConsoleProps,
};
pub use view::WebSocketConsole;
