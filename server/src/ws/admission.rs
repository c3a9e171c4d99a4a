//! How many WebSockets each user and each client address may hold open on
//! this node.
//!
//! Every socket holds a task, buffers and a file descriptor, so one user (or
//! one address) opening thousands would starve everyone else. A socket is
//! admitted before the upgrade and holds a [`Ticket`] for as long as it
//! lives; the ticket gives its place back when dropped, however the
//! connection ends. The limits are per node, like the other rate limits.

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
};

use app::model::UserId;

/// The sockets open on this node, per user and per address.
#[derive(Debug)]
pub struct Admission {
    per_user: u32,
    per_address: u32,
    /// Both counts under one lock, so that a socket is admitted on both or
    /// neither.
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    users: HashMap<UserId, u32>,
    addresses: HashMap<IpAddr, u32>,
}

/// Why a socket was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("too many connections for this user: close another tab first")]
    User,
    #[error("too many connections from this address")]
    Address,
}

/// One admitted socket's place; given back when dropped.
#[derive(Debug)]
pub struct Ticket {
    admission: Arc<Admission>,
    user: UserId,
    address: IpAddr,
}

impl Admission {
    pub fn new(per_user: u32, per_address: u32) -> Self {
        Self {
            per_user: per_user.max(1),
            per_address: per_address.max(1),
            open: Mutex::default(),
        }
    }

    /// Admits one more socket of `user` from `address`, if both are under
    /// their limits.
    pub fn admit(self: &Arc<Self>, user: UserId, address: IpAddr) -> Result<Ticket, Refused> {
        let mut open = self.lock();
        if open.users.get(&user).copied().unwrap_or(0) >= self.per_user {
            return Err(Refused::User);
        }
        if open.addresses.get(&address).copied().unwrap_or(0) >= self.per_address {
            return Err(Refused::Address);
        }
        *open.users.entry(user).or_default() += 1;
        *open.addresses.entry(address).or_default() += 1;
        Ok(Ticket {
            admission: self.clone(),
            user,
            address,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.admission.lock();
        release(&mut open.users, &self.user);
        release(&mut open.addresses, &self.address);
    }
}

/// Counts one socket of `key` off, forgetting keys with none left.
fn release<K: Hash + Eq>(counts: &mut HashMap<K, u32>, key: &K) {
    if let Some(count) = counts.get_mut(key) {
        *count = count.saturating_sub(1);
        if *count == 0 {
            counts.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const OFFICE: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn sockets_are_capped_per_user_and_per_address() {
        let admission = Arc::new(Admission::new(2, 3));
        let a = admission.admit(UserId(1), HOME).unwrap();
        let _b = admission.admit(UserId(1), OFFICE).unwrap();
        assert_eq!(admission.admit(UserId(1), HOME).unwrap_err(), Refused::User);
        let _c = admission.admit(UserId(2), HOME).unwrap();
        let _d = admission.admit(UserId(3), HOME).unwrap();
        assert_eq!(
            admission.admit(UserId(4), HOME).unwrap_err(),
            Refused::Address
        );
        drop(a);
        assert!(
            admission.admit(UserId(1), OFFICE).is_ok(),
            "a closed socket frees its place"
        );
    }

    #[test]
    fn nothing_is_left_behind() {
        let admission = Arc::new(Admission::new(5, 5));
        let tickets: Vec<_> = (0..5)
            .map(|i| admission.admit(UserId(i), HOME).unwrap())
            .collect();
        drop(tickets);
        let open = admission.lock();
        assert!(open.users.is_empty() && open.addresses.is_empty());
    }
}
