//! The connection's side of sharing: what [`ReconnectingWebSocket::share_across_tabs`] keeps,
//! how a connection joins its group when it connects, and what it asks of the group after.
//! The connection reaches all of it through a function pointer and a trait object that only
//! `share_across_tabs` makes, so that an app that does not share does not carry the code.

use std::rc::Rc;

use super::{relay::RELAY_VERSION, relay_options, TabRole, Tabs};
use crate::reconnecting::{ReconnectOptions, ReconnectingWebSocket};

/// What [`ReconnectingWebSocket::share_across_tabs`] asked for: the app's version, and how
/// to share (a function only that method names, so that an app that does not share does not
/// carry the code).
#[derive(Clone)]
pub(crate) struct Sharing {
    pub(crate) app: String,
    pub(crate) share: fn(&ReconnectingWebSocket, &str, &str),
}

impl Sharing {
    /// Sharing under app version `app`.
    pub(crate) fn new(app: &str) -> Self {
        Self {
            app: app.to_owned(),
            share,
        }
    }
}

/// Shares `connection`, about to connect to `url`, under app version `app`: starts the tabs'
/// coordination for `url`, or joins again the group it started for that URL; another URL's
/// group is left.
fn share(connection: &ReconnectingWebSocket, app: &str, url: &str) {
    let name = group_name(app, url, &connection.options().protocols);
    let current = connection.driver.tabs.borrow().clone();
    match current {
        Some(tabs) if tabs.name() == name => tabs.rejoin(),
        current => {
            if let Some(tabs) = current {
                tabs.end();
                // Ending put the connection back on the old group's own transport: with the
                // test kit, the fake server this URL names is another one.
                #[cfg(feature = "testing")]
                let _ = connection.route(url);
            }
            let started = Tabs::start(connection, app, url).map(|tabs| tabs as Rc<dyn Group>);
            *connection.driver.tabs.borrow_mut() = started;
        }
    }
}

/// What the connection asks of its tabs' coordination while shared. The connection holds it
/// as a trait object that only [`share`] makes, so that the code behind these
/// calls (the relay, the election) is linked only into an app that shares: a direct call
/// from the connection's own methods would keep it in every app.
pub(crate) trait Group {
    /// The group's name ([`group_name`]).
    fn name(&self) -> &str;
    /// This tab's part ([`ReconnectingWebSocket::tab_role`]).
    fn role(&self) -> TabRole;
    /// The app's options changed; returns those in force now.
    fn set_options(&self, options: ReconnectOptions) -> ReconnectOptions;
    /// The app closed the connection.
    fn leave(&self);
    /// The app connects again.
    fn rejoin(&self);
    /// Sharing ends here: the app connects elsewhere.
    fn end(&self);
}

impl Group for Tabs {
    fn name(&self) -> &str {
        &self.name
    }

    fn role(&self) -> TabRole {
        if self.left.get() {
            TabRole::Alone
        } else {
            self.role.get()
        }
    }

    /// The app's options changed: in force now while leading, kept for later while following.
    fn set_options(&self, options: ReconnectOptions) -> ReconnectOptions {
        *self.options.borrow_mut() = options.clone();
        match self.role() {
            TabRole::Following => relay_options(&options),
            _ => options,
        }
    }

    /// The app closed the connection: this tab leads no more, and does not ask to; another
    /// tab takes the lead. Called before the connection closes, so that its close is not
    /// relayed.
    fn leave(&self) {
        self.left.set(true);
        self.relaying.borrow_mut().take();
        if let Some(connection) = self.connection.upgrade() {
            connection.driver.relayed_out.borrow_mut().take();
        }
        self.bus.release_lock();
    }

    /// The app connects again: after [`leave`](Group::leave), this tab follows, and asks for
    /// the lock; otherwise it keeps its role, on the transport of its role. The caller starts
    /// the connection.
    fn rejoin(&self) {
        if self.left.replace(false) {
            self.follow(false);
            self.bus.ask_for_lock();
        } else if let (TabRole::Leading | TabRole::Alone, Some(connection)) =
            (self.role.get(), self.connection.upgrade())
        {
            connection
                .driver
                .route(self.own.0.clone(), self.own.1.clone());
        } else {
            self.follow(false);
        }
    }

    /// Sharing ends here (the app connects elsewhere): this tab leaves, and its connection is
    /// back on its own transport, as a tab alone.
    fn end(&self) {
        self.leave();
        if let Some(connection) = self.connection.upgrade() {
            self.run_on_its_own(&connection, TabRole::Alone);
        }
    }
}

/// The name tabs share a connection by: the relay's version, the app's, the URL and the
/// subprotocols.
pub(super) fn group_name(app: &str, url: &str, protocols: &[String]) -> String {
    format!(
        "wasm-ws/{RELAY_VERSION}/{app}/{url}/{}",
        protocols.join(",")
    )
}
