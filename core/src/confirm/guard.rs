//! A send guard against SMS pumping: the check a host makes before it sends a paid message.
//!
//! Fraudsters place orders with numbers in ranges that pay them per message received
//! (premium-rate or colluding foreign operators), so that each confirmation SMS earns them money
//! at the shop's cost. [`SendGuard::admit`] stops that before the message leaves:
//!
//! 1. the number must be valid and belong to an allowed country ([`GuardPolicy::countries`];
//!    empty: the order's own country);
//! 2. the shop's daily budget of paid units (SMS parts, WhatsApp messages) must not be spent;
//! 3. at most [`GuardPolicy::per_number_per_day`] messages to one number per day;
//! 4. at most [`GuardPolicy::per_prefix_per_hour`] messages per hour to the numbers that share
//!    a prefix (all digits but the last [`GuardPolicy::prefix_hidden_digits`]): pumping walks
//!    through a range of numbers, a shop's real customers rarely share 1,000-number blocks.
//!
//! An admitted message is counted; a denied one is not, and `admit` returns the `send_denied`
//! event to feed the order's [`ConfirmationFlow`](super::ConfirmationFlow), which moves on to
//! the next channel (WhatsApp, email, then the call queue) as for a failed send.
//!
//! Like the flow, the guard is sans-IO: time is an argument, and its counters are the host's
//! to store between calls ([`SendGuard::snapshot`], sealed under the shop's secret). One guard
//! serves the whole shop; a host with several workers keeps its snapshot in one row and updates
//! it under a lock (`SELECT ... FOR UPDATE`). Days and hours are calendar ones in the shop's
//! time ([`GuardPolicy::utc_offset_minutes`]): the counters restart at midnight and on the hour.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::events::{Channel, DenyReason, Event, FlowAction};
use super::seal::{Format, Sealed};
use super::sms::sms_segments;
use super::token::TokenKey;
use crate::error::{Error, ErrorKind};
use crate::normalize::parse_phone;

/// How the guard limits paid messages. Every field has a default; JSON may give any subset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GuardPolicy {
    /// The countries (ISO 3166-1 alpha-2) whose numbers may get messages: the shop's countries.
    /// Empty (the default): only the country of the order being confirmed. A shop should name
    /// its countries: a fraudster chooses the country of a fake order.
    pub countries: Vec<String>,
    /// Messages to one number per day (default 5: a confirmation's SMS and WhatsApp, a new
    /// number's restart, a second order).
    pub per_number_per_day: u32,
    /// Messages per hour to the numbers that share a prefix (default 10).
    pub per_prefix_per_hour: u32,
    /// How many trailing digits the prefix leaves out (default 3: blocks of 1,000 numbers).
    pub prefix_hidden_digits: u32,
    /// Paid units per day for the whole shop: each SMS part and each WhatsApp message is one.
    /// `null` (the default): no budget.
    pub daily_budget: Option<u32>,
    /// The channels the guard counts (default SMS and WhatsApp, the paid ones); messages on
    /// other channels are always admitted.
    pub channels: Vec<Channel>,
    /// The shop's offset from UTC, minutes: where its days start.
    pub utc_offset_minutes: i32,
}

impl Default for GuardPolicy {
    fn default() -> GuardPolicy {
        GuardPolicy {
            countries: Vec::new(),
            per_number_per_day: 5,
            per_prefix_per_hour: 10,
            prefix_hidden_digits: 3,
            daily_budget: None,
            channels: vec![Channel::Sms, Channel::Whatsapp],
            utc_offset_minutes: 0,
        }
    }
}

impl GuardPolicy {
    /// Checks the policy.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a country that is not two letters, a limit of 0, a
    /// prefix that hides no digit or more than 6, the `call` channel, an offset of a day or more.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: &str| Err(Error::new(ErrorKind::InvalidConfig, m.to_owned()));
        if let Some(c) = self
            .countries
            .iter()
            .find(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            let shown: String = c.chars().take(8).collect();
            return bad(&format!(
                "countries: {shown:?} is not an ISO 3166-1 alpha-2 code"
            ));
        }
        if self.per_number_per_day == 0 || self.per_prefix_per_hour == 0 {
            return bad("per_number_per_day and per_prefix_per_hour must be at least 1");
        }
        if !(1..=6).contains(&self.prefix_hidden_digits) {
            return bad("prefix_hidden_digits must be 1 to 6");
        }
        if self.channels.contains(&Channel::Call) {
            return bad("channels cannot hold call");
        }
        if self.utc_offset_minutes.abs() >= 1440 {
            return bad("utc_offset_minutes must lie within a day");
        }
        Ok(())
    }
}

/// The guard's counters: what its snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Counters {
    /// The shop's day the day counters are for (days since 1970 in the shop's time).
    day: i64,
    /// The hour the prefix counters are for (hours since 1970).
    hour: i64,
    /// Messages today, per number (E.164).
    per_number: BTreeMap<String, u32>,
    /// Messages this hour, per prefix.
    per_prefix: BTreeMap<String, u32>,
    /// Paid units spent today.
    spent: u32,
}

/// A send guard's counters, sealed for the host's database. Restore with
/// [`SendGuard::restore`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GuardSnapshot(Sealed);

impl GuardSnapshot {
    /// The format version (currently 1).
    pub fn version(&self) -> u32 {
        self.0.version
    }
}

/// The send guard snapshot format (`CHANGELOG.md` keeps its history).
const GUARD_SNAPSHOT_VERSION: u32 = 1;

const FORMAT: Format = Format {
    domain: b"codguard/send-guard-snapshot/v1",
    version: GUARD_SNAPSHOT_VERSION,
    what: "send guard",
};

/// The shop's send guard against SMS pumping, asked before each paid message.
///
/// [`SendGuard::admit`] denies a message (and does not count it) when its number is invalid or
/// of a country the shop does not serve, when the shop's daily budget is spent, or when the
/// number, or the block of numbers that shares its prefix, has had its messages for the day or
/// the hour ([`GuardPolicy`]). A denial is the `send_denied` event to feed the order's flow,
/// which moves on to the next channel. The counters are the host's to store
/// ([`SendGuard::snapshot`]); one guard serves the whole shop.
///
/// # Example
/// ```
/// use codguard::confirm::{Channel, FlowAction, GuardPolicy, Lang, SendGuard};
/// let policy = GuardPolicy { countries: vec!["MA".into()], per_number_per_day: 2, ..GuardPolicy::default() };
/// let mut guard = SendGuard::new(policy, b"shop secret").unwrap();
/// let sms = |to: &str| FlowAction::Send { channel: Channel::Sms, template: "sms_confirm".into(),
///     to: to.into(), link: None, segments: Some(1), lang: Lang::Fr, body: "Bonjour".into() };
/// let t = 1_767_225_600;
/// assert_eq!(guard.admit(&sms("+212612345678"), "MA", t).unwrap(), None);
/// assert_eq!(guard.admit(&sms("+212612345678"), "MA", t + 60).unwrap(), None);
/// // A third message to the same number today, and any to a number of another country:
/// let denied = guard.admit(&sms("+212612345678"), "MA", t + 120).unwrap().unwrap();
/// assert_eq!(serde_json::to_value(&denied).unwrap()["reason"], "number_daily_limit");
/// let denied = guard.admit(&sms("+447400123456"), "MA", t + 180).unwrap().unwrap();
/// assert_eq!(serde_json::to_value(&denied).unwrap()["reason"], "country_not_allowed");
/// ```
#[derive(Debug, Clone)]
pub struct SendGuard {
    policy: GuardPolicy,
    counters: Counters,
    key: TokenKey,
}

impl SendGuard {
    /// A guard with no message counted yet.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a bad policy (see [`GuardPolicy::validate`]) or an
    /// empty secret.
    pub fn new(policy: GuardPolicy, secret: &[u8]) -> Result<SendGuard, Error> {
        policy.validate()?;
        Ok(SendGuard {
            policy,
            counters: Counters::default(),
            key: TokenKey::new(secret)?,
        })
    }

    /// A guard from its snapshot, under `policy` (the shop's current settings: the counters
    /// are the state, the policy is configuration).
    ///
    /// # Errors
    /// [`ErrorKind::SnapshotVersion`] or [`ErrorKind::SnapshotCorrupt`] (edited, damaged, or
    /// sealed under another secret); [`ErrorKind::InvalidConfig`] as for [`SendGuard::new`].
    pub fn restore(
        snapshot: &GuardSnapshot,
        policy: GuardPolicy,
        secret: &[u8],
    ) -> Result<SendGuard, Error> {
        let mut guard = SendGuard::new(policy, secret)?;
        guard.counters = FORMAT.open(&guard.key, &snapshot.0)?;
        Ok(guard)
    }

    /// The counters, sealed under the secret, to store between calls.
    pub fn snapshot(&self) -> GuardSnapshot {
        GuardSnapshot(FORMAT.seal(&self.key, &self.counters))
    }

    /// Decides whether the flow's `send` may go out at `at` (Unix seconds); `order_country` is
    /// the order's country (the allowed one when the policy names none, and the region for a
    /// number written in national form). `None`: send it (it is counted). `Some(event)`: do
    /// not send; feed the `send_denied` event to the order's flow.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] when `action` is not a `send` or is a `call`;
    /// [`ErrorKind::InvalidEvent`] for a negative time; [`ErrorKind::InvalidCountry`] when the
    /// policy names no country and `order_country` is not two letters.
    pub fn admit(
        &mut self,
        action: &FlowAction,
        order_country: &str,
        at: i64,
    ) -> Result<Option<Event>, Error> {
        let FlowAction::Send {
            channel,
            to,
            segments,
            body,
            ..
        } = action
        else {
            return Err(Error::new(
                ErrorKind::InvalidRecord,
                "the send guard checks send actions only",
            ));
        };
        if *channel == Channel::Call {
            return Err(Error::new(
                ErrorKind::InvalidRecord,
                "a call is not a message",
            ));
        }
        if at < 0 {
            return Err(Error::new(ErrorKind::InvalidEvent, "time is negative"));
        }
        let order_country = order_country.trim().to_ascii_uppercase();
        if self.policy.countries.is_empty()
            && (order_country.len() != 2 || !order_country.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            return Err(Error::new(
                ErrorKind::InvalidCountry,
                "the order's country is not an ISO 3166-1 alpha-2 code",
            ));
        }
        if !self.policy.channels.contains(channel) {
            return Ok(None);
        }
        let cost = match channel {
            Channel::Sms => segments.unwrap_or_else(|| sms_segments(body)),
            _ => 1,
        };
        Ok(self
            .deny_reason(to, &order_country, cost, at)
            .map(|reason| Event::SendDenied {
                at,
                channel: *channel,
                reason,
            }))
    }

    /// Checks one message; counts it when it is admitted.
    fn deny_reason(
        &mut self,
        to: &str,
        order_country: &str,
        cost: u32,
        at: i64,
    ) -> Option<DenyReason> {
        let Ok(phone) = parse_phone(to, order_country) else {
            return Some(DenyReason::NumberInvalid);
        };
        let allowed = if self.policy.countries.is_empty() {
            phone.country == order_country
        } else {
            self.policy
                .countries
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&phone.country))
        };
        if !allowed {
            return Some(DenyReason::CountryNotAllowed);
        }
        self.roll(at);
        let number = phone.e164.as_str();
        let hidden = usize::try_from(self.policy.prefix_hidden_digits).unwrap_or(usize::MAX);
        // E.164 is ASCII: `+` and digits.
        let prefix = &number[..number.len().saturating_sub(hidden).max(1)];
        let c = &mut self.counters;
        let spent = c.spent.saturating_add(cost);
        if self
            .policy
            .daily_budget
            .is_some_and(|budget| spent > budget)
        {
            return Some(DenyReason::DailyBudget);
        }
        let to_number = c.per_number.get(number).copied().unwrap_or(0);
        if to_number >= self.policy.per_number_per_day {
            return Some(DenyReason::NumberDailyLimit);
        }
        let to_prefix = c.per_prefix.get(prefix).copied().unwrap_or(0);
        if to_prefix >= self.policy.per_prefix_per_hour {
            return Some(DenyReason::PrefixHourlyLimit);
        }
        c.spent = spent;
        c.per_number.insert(number.to_owned(), to_number + 1);
        c.per_prefix.insert(prefix.to_owned(), to_prefix + 1);
        None
    }

    /// Starts new day and hour counters when `at` is in a later day or hour. A time before the
    /// current ones (a late call from another worker) counts in the current ones.
    fn roll(&mut self, at: i64) {
        let local = at.saturating_add(i64::from(self.policy.utc_offset_minutes) * 60);
        let (day, hour) = (local.div_euclid(86_400), at.div_euclid(3_600));
        let c = &mut self.counters;
        if day > c.day {
            c.day = day;
            c.per_number.clear();
            c.spent = 0;
        }
        if hour > c.hour {
            c.hour = hour;
            c.per_prefix.clear();
        }
    }
}
