//! Tabs on a fake server's network: the connections to one fake server that share across
//! tabs are tabs of one origin. The lock goes to the tabs that ask, in the order they asked
//! (as Web Locks grant an exclusive lock); what a tab says reaches the others each in a task of
//! its own, in order (as a `BroadcastChannel` delivers); a tab that goes (its connection
//! dropped) lets the lock go, as a closed or crashed tab does.

use std::{
    collections::{HashMap, VecDeque},
    rc::{Rc, Weak},
};

use super::{
    bus::{Bus, Hear, Heard},
    relay::Relayed,
};
use crate::reconnecting::transport::memory::Network;

/// The groups of tabs on one network, by name.
#[derive(Default)]
pub(crate) struct Groups {
    groups: HashMap<String, Group>,
    next_member: u64,
}

/// A member's ears, held weakly: a tab that goes hears nothing.
type WeakHear = Weak<dyn Fn(Heard)>;

/// One group: its members, who holds the lock, and who waits for it, first first.
#[derive(Default)]
struct Group {
    members: Vec<(u64, WeakHear)>,
    holder: Option<u64>,
    waiting: VecDeque<u64>,
}

impl Group {
    fn hear(&self, member: u64) -> Option<Hear> {
        let (_, hear) = self.members.iter().find(|(id, _)| *id == member)?;
        hear.upgrade()
    }

    /// The lock goes to the first who waits, if nobody holds it: who, to be told.
    fn grant(&mut self) -> Option<Hear> {
        if self.holder.is_some() {
            return None;
        }
        while let Some(next) = self.waiting.pop_front() {
            if let Some(hear) = self.hear(next) {
                self.holder = Some(next);
                return Some(hear);
            }
        }
        None
    }
}

/// A tab's membership, in memory.
pub(super) struct MemoryBus {
    network: Network,
    name: String,
    id: u64,
    /// Held here; the group holds it weakly.
    _hear: Hear,
}

impl MemoryBus {
    pub(super) fn join(network: Network, name: &str, hear: Hear) -> Self {
        let id = network.tabs(|groups| {
            groups.next_member += 1;
            let id = groups.next_member;
            let group = groups.groups.entry(name.to_owned()).or_default();
            group.members.push((id, Rc::downgrade(&hear)));
            id
        });
        Self {
            network,
            name: name.to_owned(),
            id,
            _hear: hear,
        }
    }

    fn group<T>(&self, read: impl FnOnce(&mut Group) -> T) -> T {
        self.network
            .tabs(|groups| read(groups.groups.entry(self.name.clone()).or_default()))
    }

    fn tell(&self, hear: Hear, heard: Heard) {
        self.later(Box::new(move || hear(heard)));
    }
}

impl Bus for MemoryBus {
    fn id(&self) -> u64 {
        self.id
    }

    fn post(&self, relayed: Relayed) {
        let others: Vec<Hear> = self.group(|group| {
            let others = group.members.iter().filter(|(id, _)| *id != self.id);
            others.filter_map(|(_, hear)| hear.upgrade()).collect()
        });
        for hear in others {
            self.tell(hear, Heard::Relayed(relayed.clone()));
        }
    }

    fn ask_for_lock(&self) {
        let granted = self.group(|group| {
            if group.holder != Some(self.id) && !group.waiting.contains(&self.id) {
                group.waiting.push_back(self.id);
            }
            group.grant()
        });
        if let Some(hear) = granted {
            self.tell(hear, Heard::Granted);
        }
    }

    fn release_lock(&self) {
        let granted = self.group(|group| {
            group.waiting.retain(|id| *id != self.id);
            if group.holder == Some(self.id) {
                group.holder = None;
            }
            group.grant()
        });
        if let Some(hear) = granted {
            self.tell(hear, Heard::Granted);
        }
    }

    fn later(&self, task: Box<dyn FnOnce()>) {
        self.network.later(task);
    }
}

impl Drop for MemoryBus {
    fn drop(&mut self) {
        self.release_lock();
        self.group(|group| group.members.retain(|(id, _)| *id != self.id));
    }
}
