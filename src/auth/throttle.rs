//! Sign-in attempts limited per client address and per account. The first
//! few failures are free; after them each failure closes the door for a
//! delay that doubles with every further failure (up to a cap), during which
//! every attempt is answered "wait" (HTTP 429 with `Retry-After`) without
//! checking the password. A success clears the account's count (not the
//! address's: one known password must not reset a guessing run from the same
//! place). Failures are forgotten after a quiet while.
//!
//! Memory is bounded: each table holds at most `capacity` keys; when full, it
//! drops the forgotten entries, then the one quiet the longest. IPv6 clients
//! are counted per /64 (one subscriber's usual allocation).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How one kind of key (address or account) is limited.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures allowed before any delay.
    pub free_failures: u32,
    /// The delay after the first failure past the free ones; it doubles with each next.
    pub first_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// A key with no failure for this long starts over.
    pub forget_after: Duration,
}

/// The throttle's settings.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    /// Per client address (generous: many people may share one address).
    pub per_address: Limits,
    /// Per account e-mail (strict: one person's password).
    pub per_account: Limits,
    /// The most keys each table keeps.
    pub capacity: usize,
}

impl Default for ThrottleConfig {
    fn default() -> ThrottleConfig {
        ThrottleConfig {
            per_address: Limits {
                free_failures: 20,
                first_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(15 * 60),
                forget_after: Duration::from_secs(60 * 60),
            },
            per_account: Limits {
                free_failures: 5,
                first_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(15 * 60),
                forget_after: Duration::from_secs(60 * 60),
            },
            capacity: 10_000,
        }
    }
}

/// "Not now": how long until the next attempt is considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// Time left, rounded up to whole seconds (at least one), for `Retry-After`.
    pub retry_after_secs: u64,
}

/// The sign-in throttle, shared by all requests.
#[derive(Debug)]
pub struct Throttle {
    config: ThrottleConfig,
    addresses: Mutex<Table<IpAddr>>,
    accounts: Mutex<Table<String>>,
}

#[derive(Debug)]
struct Entry {
    failures: u32,
    blocked_until: Option<Instant>,
    last_failure: Instant,
}

#[derive(Debug)]
struct Table<K> {
    entries: HashMap<K, Entry>,
    limits: Limits,
    capacity: usize,
}

impl<K: Hash + Eq + Clone> Table<K> {
    fn new(limits: Limits, capacity: usize) -> Table<K> {
        Table {
            entries: HashMap::new(),
            limits,
            capacity: capacity.max(1),
        }
    }

    fn forgotten(&self, e: &Entry, now: Instant) -> bool {
        now.saturating_duration_since(e.last_failure) >= self.limits.forget_after
            && e.blocked_until.is_none_or(|b| b <= now)
    }

    fn wait(&self, key: &K, now: Instant) -> Option<Wait> {
        let until = self.entries.get(key)?.blocked_until?;
        (until > now).then(|| Wait {
            retry_after_secs: until.duration_since(now).as_secs_f64().ceil().max(1.0) as u64,
        })
    }

    fn fail(&mut self, key: &K, now: Instant) {
        if self
            .entries
            .get(key)
            .is_some_and(|e| self.forgotten(e, now))
        {
            self.entries.remove(key);
        }
        if !self.entries.contains_key(key) && self.entries.len() >= self.capacity {
            self.make_room(now);
        }
        let e = self.entries.entry(key.clone()).or_insert(Entry {
            failures: 0,
            blocked_until: None,
            last_failure: now,
        });
        e.failures = e.failures.saturating_add(1);
        e.last_failure = now;
        if let Some(past) = e.failures.checked_sub(self.limits.free_failures + 1) {
            let factor = 2u32.saturating_pow(past.min(31));
            let delay = self
                .limits
                .first_delay
                .saturating_mul(factor)
                .min(self.limits.max_delay);
            e.blocked_until = Some(now + delay);
        }
    }

    fn make_room(&mut self, now: Instant) {
        let limits = self.limits;
        self.entries.retain(|_, e| {
            !(now.saturating_duration_since(e.last_failure) >= limits.forget_after
                && e.blocked_until.is_none_or(|b| b <= now))
        });
        if self.entries.len() >= self.capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_failure)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.entries.remove(&k);
            }
        }
    }
}

impl Throttle {
    /// A throttle with `config`.
    pub fn new(config: ThrottleConfig) -> Throttle {
        Throttle {
            config,
            addresses: Mutex::new(Table::new(config.per_address, config.capacity)),
            accounts: Mutex::new(Table::new(config.per_account, config.capacity)),
        }
    }

    /// Whether a sign-in from `address` for `account` may be tried at `now`;
    /// the longer wait of the two keys when not.
    pub fn check(&self, address: IpAddr, account: &str, now: Instant) -> Result<(), Wait> {
        let a = lock(&self.addresses).wait(&address_key(address), now);
        let b = lock(&self.accounts).wait(&account_key(account), now);
        match a.into_iter().chain(b).max_by_key(|w| w.retry_after_secs) {
            Some(w) => Err(w),
            None => Ok(()),
        }
    }

    /// Counts a failed sign-in from `address` for `account` at `now`.
    pub fn failed(&self, address: IpAddr, account: &str, now: Instant) {
        lock(&self.addresses).fail(&address_key(address), now);
        lock(&self.accounts).fail(&account_key(account), now);
    }

    /// Clears the account's failures after a successful sign-in.
    pub fn succeeded(&self, account: &str) {
        lock(&self.accounts).entries.remove(&account_key(account));
    }

    /// How many keys the two tables hold (addresses, accounts).
    pub fn len(&self) -> (usize, usize) {
        (
            lock(&self.addresses).entries.len(),
            lock(&self.accounts).entries.len(),
        )
    }

    /// The settings.
    pub fn config(&self) -> &ThrottleConfig {
        &self.config
    }
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle::new(ThrottleConfig::default())
    }
}

/// A poisoned lock still holds consistent counts (no update panics half-way).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// IPv4 as is; IPv6 cut to its /64 (IPv4-mapped IPv6 back to IPv4).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The account as typed, in one spelling and of bounded length.
fn account_key(account: &str) -> String {
    account.trim().to_lowercase().chars().take(320).collect()
}

#[cfg(test)]
mod tests;
