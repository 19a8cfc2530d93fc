//! The confirmation flow of one order, as a sans-IO state machine.
//!
//! Like a `quinn-proto` connection, a [`ConfirmationFlow`] never sends, sleeps or reads a clock.
//! The host feeds it [`Event`]s, each with its time, and carries out the [`FlowAction`]s it
//! returns; it asks [`ConfirmationFlow::next_deadline`] when to feed the next `tick`. The same
//! events always give the same actions, so a flow can be stored ([`ConfirmationFlow::snapshot`])
//! between events and replayed in tests with a simulated clock.
//!
//! # The timeline (defaults of [`FlowPolicy`], measured from `placed_at`)
//! 1. at once: SMS with a signed link (`sms_confirm`);
//! 2. +4 h: WhatsApp with the same link (`whatsapp_confirm`);
//! 3. +8 h: email without a link asking for a new number or a cancellation (`email_no_link`);
//! 4. +24 h: `flag_for_call`;
//! 5. after `call_attempts` unanswered calls, or at +48 h: `cancel` with reason `unconfirmed`.
//!
//! A step whose channel is unusable (opted out, no phone, no email, a number reported wrong) is
//! skipped. A `send_failed` for the step just sent, or `call_result: wrong_number`, moves on to
//! the next usable step at once. During quiet hours an SMS or WhatsApp waits for their end and
//! the rest of the timeline moves by the same delay; emails, calls and cancellations never wait.
//! A `reply` with `new_phone` restarts the timeline at step 1, from the reply's time, on the new
//! number.
//!
//! # Actions other than `confirm`
//! - `auto_confirm`: on `placed`, `confirm` and `notify_customer_service` (`auto_confirmed`).
//! - `review`: on `placed`, `flag_for_call`; a wrong number moves on to the email; cancel as
//!   `unconfirmed` after the call attempts or at +48 h.
//! - `reject`: on `placed`, `cancel` (`rejected`).
//! - `require_prepayment`: on `placed`, a `prepayment_offer` with the link (SMS, falling back to
//!   WhatsApp then email on failures); the host emits `link_clicked` only once the customer has
//!   paid on the link's page. A `call_result: confirmed` (a person agreed terms) also confirms; a
//!   `reply: confirm` does not pay, so it only gives `notify_customer_service`
//!   (`prepayment_reply`). Unpaid at +48 h: `cancel` (`unpaid`).
//!
//! # Events beyond the contract's list
//! - `{"type": "delivered", "at": T}`: the shop reports delivery of a confirmed order; a
//!   `followup` message goes out `followup_after` later (24 h) on the first usable channel of
//!   `followup_channels`; nothing for a customer who opted out of all of them.
//! - `link_clicked` takes an optional `"choice": "confirm" | "cancel"` (default `confirm`) for
//!   the two buttons of the link's page. Only the page's explicit POST may produce it: opening
//!   the link (a GET, or a messenger's preview) must never confirm anything.
//! - `reply` accepts `"intent": "unknown"` (what [`reply_intent`](super::reply_intent) answers
//!   when unsure): it gives `notify_customer_service` (`unclear_reply`) so a person reads it.
//!
//! # What is ignored, what is an error
//! Every event first does its own work, then fires whatever fell due by its time (as a `tick`
//! would), so after any event [`ConfirmationFlow::next_deadline`] lies strictly ahead of it.
//!
//! Late (after the flow ended), duplicate and out-of-order (time before the last event's)
//! events return no actions. A `link_clicked` whose token does not verify also returns no actions
//! (a bad token must not confirm, and telling a guesser why helps nobody); the host can learn why
//! from [`ConfirmationFlow::verify_link`]. Malformed events are [`ErrorKind::InvalidEvent`]: a
//! negative time, `send_failed` on `call`, a `new_phone` reply without a valid phone.

use serde::{Deserialize, Serialize};

use super::intent::{normalize_flow_phone, Intent};
use super::sms::sms_segments;
use super::templates::{
    choose_lang, format_total, names, render, template_text, Lang, MessageVars, TemplateOverrides,
};
use super::token::TokenKey;
use crate::assessment::Action;
use crate::error::{Error, ErrorKind};
use crate::record::Order;

/// A channel that reaches the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Text message.
    Sms,
    /// WhatsApp message.
    Whatsapp,
    /// Email.
    Email,
    /// Phone call by a person.
    Call,
}

/// The outcome of a manual call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallResult {
    /// The customer confirmed.
    Confirmed,
    /// The customer cancelled.
    Cancelled,
    /// Nobody answered (counts one attempt).
    NoAnswer,
    /// The number is not the customer's.
    WrongNumber,
}

/// Which button of the link's page the customer pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LinkChoice {
    /// "Confirm".
    #[default]
    Confirm,
    /// "Cancel".
    Cancel,
}

/// What happened, as the host reports it. `at` is Unix seconds.
///
/// # Example
/// ```
/// use codguard::confirm::Event;
/// let e: Event = serde_json::from_str(r#"{"type": "send_failed", "at": 5, "channel": "sms"}"#).unwrap();
/// assert_eq!(e.at(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The order was placed: start.
    Placed {
        /// Time.
        at: i64,
    },
    /// Time passes: fire every step due by `at`.
    Tick {
        /// Time.
        at: i64,
    },
    /// The customer pressed a button on the link's page (a POST, never a GET).
    LinkClicked {
        /// Time.
        at: i64,
        /// The token from the link.
        token: String,
        /// Which button (default: confirm).
        #[serde(default)]
        choice: LinkChoice,
    },
    /// The customer replied.
    Reply {
        /// Time.
        at: i64,
        /// Where the reply came from.
        channel: Channel,
        /// What it means (see [`reply_intent`](super::reply_intent)).
        intent: Intent,
        /// The new number, for `new_phone`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<String>,
    },
    /// A person called the customer.
    CallResult {
        /// Time.
        at: i64,
        /// How it went.
        result: CallResult,
    },
    /// A message could not be delivered.
    SendFailed {
        /// Time.
        at: i64,
        /// The channel that failed (not `call`).
        channel: Channel,
    },
    /// The order was delivered (beyond the contract's list: starts the follow-up).
    Delivered {
        /// Time.
        at: i64,
    },
}

impl Event {
    /// The event's time, Unix seconds.
    pub fn at(&self) -> i64 {
        match *self {
            Event::Placed { at }
            | Event::Tick { at }
            | Event::LinkClicked { at, .. }
            | Event::Reply { at, .. }
            | Event::CallResult { at, .. }
            | Event::SendFailed { at, .. }
            | Event::Delivered { at } => at,
        }
    }
}

/// Why an order is cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The customer never confirmed (the contract's outcome `unconfirmed`).
    Unconfirmed,
    /// The customer said no.
    CancelledByCustomer,
    /// The assessment said `reject`.
    Rejected,
    /// A `require_prepayment` order was not paid in time.
    Unpaid,
    /// The order has neither a usable phone nor an email: nothing to ask.
    NoContact,
}

/// Why customer service should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyReason {
    /// A good customer's order was confirmed without asking.
    AutoConfirmed,
    /// A reply nobody could read for sure.
    UnclearReply,
    /// A `require_prepayment` customer said yes but has not paid.
    PrepaymentReply,
}

/// What the host must do. Serialized as in the contract, with extra fields on `send`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FlowAction {
    /// Send a message.
    Send {
        /// The channel.
        channel: Channel,
        /// The template's name.
        template: String,
        /// E.164 phone, or email address.
        to: String,
        /// The signed link, when the message carries one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
        /// SMS parts (SMS only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        segments: Option<u32>,
        /// The message's language.
        lang: Lang,
        /// The rendered text.
        body: String,
    },
    /// Put the order in the call queue.
    FlagForCall,
    /// Ship it.
    Confirm,
    /// Cancel it.
    Cancel {
        /// Why.
        reason: CancelReason,
    },
    /// Tell customer service.
    NotifyCustomerService {
        /// Why.
        reason: NotifyReason,
    },
}

/// Where a flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowState {
    /// Waiting for `placed`.
    NotStarted,
    /// Step 1: the SMS is sent (or waits for the end of quiet hours).
    AwaitingSms,
    /// Step 2: the WhatsApp message is sent (or waits).
    AwaitingWhatsapp,
    /// Step 3: the email is sent.
    AwaitingEmail,
    /// Step 4: flagged for a manual call.
    AwaitingCall,
    /// A `require_prepayment` offer is out.
    AwaitingPayment,
    /// Confirmed by the customer.
    Confirmed,
    /// Confirmed without asking (`auto_confirm`).
    AutoConfirmed,
    /// Cancelled (terminal).
    Cancelled,
    /// Delivered; the follow-up message is scheduled.
    AwaitingFollowup,
    /// Delivered and followed up, or nothing left to send (terminal).
    Completed,
}

impl FlowState {
    /// True when no event can produce an action any more.
    pub fn is_terminal(self) -> bool {
        matches!(self, FlowState::Cancelled | FlowState::Completed)
    }

    /// True while the flow waits for the customer's answer.
    pub fn is_awaiting_answer(self) -> bool {
        matches!(
            self,
            FlowState::AwaitingSms
                | FlowState::AwaitingWhatsapp
                | FlowState::AwaitingEmail
                | FlowState::AwaitingCall
                | FlowState::AwaitingPayment
        )
    }
}

/// Channels the customer refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct OptOut {
    /// No SMS.
    pub sms: bool,
    /// No WhatsApp.
    pub whatsapp: bool,
    /// No email.
    pub email: bool,
}

/// Hours without SMS or WhatsApp, in the shop's local time.
///
/// `start_minute` and `end_minute` count minutes after local midnight; a window may wrap past
/// midnight (22:00-08:00 is `1320`..`480`). Local time is UTC plus `utc_offset_minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// Start, minutes after local midnight.
    pub start_minute: u16,
    /// End (exclusive), minutes after local midnight.
    pub end_minute: u16,
    /// The shop's fixed offset from UTC, minutes.
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

impl QuietHours {
    /// The first moment at or after `t` outside quiet hours.
    ///
    /// # Example
    /// ```
    /// use codguard::confirm::QuietHours;
    /// let q = QuietHours { start_minute: 22 * 60, end_minute: 8 * 60, utc_offset_minutes: 60 };
    /// // 2026-01-01 23:30 UTC is 00:30 local: wait until 08:00 local, 07:00 UTC.
    /// assert_eq!(q.release_time(1_767_310_200), 1_767_337_200);
    /// assert_eq!(q.release_time(1_767_337_200), 1_767_337_200);
    /// ```
    pub fn release_time(&self, t: i64) -> i64 {
        let local = t.saturating_add(i64::from(self.utc_offset_minutes) * 60);
        let sec = local.rem_euclid(86_400);
        let start = i64::from(self.start_minute) * 60;
        let end = i64::from(self.end_minute) * 60;
        let quiet = match start.cmp(&end) {
            std::cmp::Ordering::Less => sec >= start && sec < end,
            std::cmp::Ordering::Greater => sec >= start || sec < end,
            std::cmp::Ordering::Equal => false,
        };
        if quiet {
            t.saturating_add((end - sec).rem_euclid(86_400))
        } else {
            t
        }
    }
}

/// How a shop runs the flow. Every field has the contract's default; JSON may give any subset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlowPolicy {
    /// Step 2 (WhatsApp), seconds after the start (default 4 h).
    pub whatsapp_after: i64,
    /// Step 3 (email), seconds after the start (default 8 h).
    pub email_after: i64,
    /// Step 4 (manual call), seconds after the start (default 24 h).
    pub call_after: i64,
    /// Step 5 (cancel as `unconfirmed`), seconds after the start (default 48 h).
    pub cancel_after: i64,
    /// Unanswered calls before cancelling (default 2).
    pub call_attempts: u32,
    /// The link is this text followed by the token.
    pub link_base: String,
    /// How long a link stays valid after the start, seconds (default 72 h: the 48 h timeline
    /// plus room for quiet hours).
    pub link_valid_for: i64,
    /// A fixed message language; `null` chooses per order (see [`choose_lang`]).
    pub language: Option<Lang>,
    /// The shop's name, for `{shop}` in templates.
    pub shop_name: String,
    /// Channels the customer refused.
    pub opt_out: OptOut,
    /// No SMS or WhatsApp in these hours.
    pub quiet_hours: Option<QuietHours>,
    /// Delay of the follow-up after delivery, seconds (default 24 h); `null`: no follow-up.
    pub followup_after: Option<i64>,
    /// Channels for the follow-up, preferred first (default SMS, WhatsApp, email).
    pub followup_channels: Vec<Channel>,
    /// The shop's texts: template name -> language -> text.
    pub templates: TemplateOverrides,
}

impl Default for FlowPolicy {
    fn default() -> FlowPolicy {
        FlowPolicy {
            whatsapp_after: 4 * 3600,
            email_after: 8 * 3600,
            call_after: 24 * 3600,
            cancel_after: 48 * 3600,
            call_attempts: 2,
            link_base: "https://shop.example/c/".to_owned(),
            link_valid_for: 72 * 3600,
            language: None,
            shop_name: String::new(),
            opt_out: OptOut::default(),
            quiet_hours: None,
            followup_after: Some(24 * 3600),
            followup_channels: vec![Channel::Sms, Channel::Whatsapp, Channel::Email],
            templates: TemplateOverrides::new(),
        }
    }
}

impl FlowPolicy {
    /// Checks the policy.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a negative delay, steps out of order
    /// (WhatsApp <= email <= call < cancel), no call attempt, a non-positive link validity,
    /// quiet hours outside the day or a `call` follow-up channel.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: &str| Err(Error::new(ErrorKind::InvalidConfig, m.to_owned()));
        if self.whatsapp_after < 0 {
            return bad("whatsapp_after is negative");
        }
        if !(self.whatsapp_after <= self.email_after
            && self.email_after <= self.call_after
            && self.call_after < self.cancel_after)
        {
            return bad("the steps must come in order: whatsapp <= email <= call < cancel");
        }
        if self.call_attempts == 0 {
            return bad("call_attempts must be at least 1");
        }
        if self.link_valid_for <= 0 {
            return bad("link_valid_for must be positive");
        }
        if self.followup_after.is_some_and(|d| d < 0) {
            return bad("followup_after is negative");
        }
        if self.followup_channels.contains(&Channel::Call) {
            return bad("followup_channels cannot hold call");
        }
        if let Some(q) = self.quiet_hours {
            if q.start_minute >= 1440 || q.end_minute >= 1440 || q.utc_offset_minutes.abs() >= 1440
            {
                return bad("quiet_hours must lie within a day");
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    Sms,
    Whatsapp,
    Email,
    Call,
    Cancel,
}

/// Everything a flow knows; the body of a [`FlowSnapshot`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FlowData {
    order_id: String,
    country: String,
    name: String,
    email: Option<String>,
    total: f64,
    currency: String,
    lang: Lang,
    placed_at: i64,
    action: Action,
    policy: FlowPolicy,
    state: FlowState,
    phone: Option<String>,
    phone_bad: bool,
    /// Start of the current run, moved by quiet-hour delays.
    base: i64,
    /// Index of the current step in the plan.
    pos: usize,
    /// A message of the current step waiting for the end of quiet hours.
    send_at: Option<i64>,
    /// The current step's message went out (a `send_failed` for it is meaningful).
    sent: bool,
    attempts: u32,
    /// Time of the latest event, to ignore out-of-order ones.
    now: Option<i64>,
    link_expires_at: i64,
    followup_at: Option<i64>,
    followup_channel: Option<Channel>,
}

/// A flow's whole state, for the host's database. Versioned; restore with
/// [`ConfirmationFlow::restore`]. The secret is not in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowSnapshot {
    /// Format version (currently 1).
    pub version: u32,
    data: FlowData,
}

const SNAPSHOT_VERSION: u32 = 1;

/// The confirmation flow of one order. See the [module docs](self) for the timeline.
///
/// # Example
/// ```
/// use codguard::{assessment::Action, confirm::*, Order};
/// let order: Order = serde_json::from_str(r#"{"order_id": "o-1", "placed_at": 1767225600,
///     "name": "Salma", "phone": "+212612345678", "country": "MA", "total": 349, "currency": "MAD"}"#).unwrap();
/// let mut flow = ConfirmationFlow::new(&order, Action::Confirm, FlowPolicy::default(), b"secret").unwrap();
/// let actions = flow.handle(Event::Placed { at: 1767225600 }).unwrap();
/// assert!(matches!(&actions[0], FlowAction::Send { channel: Channel::Sms, .. }));
/// assert_eq!(flow.state(), FlowState::AwaitingSms);
/// assert_eq!(flow.next_deadline(), Some(1767225600 + 4 * 3600));
/// let actions = flow.handle(Event::Reply { at: 1767226000, channel: Channel::Sms,
///     intent: Intent::Confirm, phone: None }).unwrap();
/// assert_eq!(actions, vec![FlowAction::Confirm]);
/// ```
#[derive(Debug, Clone)]
pub struct ConfirmationFlow {
    data: FlowData,
    key: TokenKey,
}

impl ConfirmationFlow {
    /// A flow for `order`, assessed as `action`, run by `policy`, signing links with `secret`.
    ///
    /// An order phone that is not a valid number leaves the phone steps out; an email without
    /// `@` leaves the email step out.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] for an order without id, [`ErrorKind::InvalidConfig`] for a
    /// bad policy or an empty secret.
    pub fn new(
        order: &Order,
        action: Action,
        policy: FlowPolicy,
        secret: &[u8],
    ) -> Result<ConfirmationFlow, Error> {
        order.validate()?;
        policy.validate()?;
        let key = TokenKey::new(secret)?;
        let email = order.email.trim();
        let data = FlowData {
            order_id: order.order_id.as_str().to_owned(),
            country: order.country.trim().to_owned(),
            name: order.name.trim().to_owned(),
            email: email.contains('@').then(|| email.to_owned()),
            total: order.total,
            currency: order.currency.trim().to_owned(),
            lang: choose_lang(order, policy.language),
            placed_at: order.placed_at,
            action,
            state: FlowState::NotStarted,
            phone: normalize_flow_phone(&order.phone, order.country.trim())
                .map(|p| p.as_str().to_owned()),
            phone_bad: false,
            base: order.placed_at,
            pos: 0,
            send_at: None,
            sent: false,
            attempts: 0,
            now: None,
            link_expires_at: order.placed_at.saturating_add(policy.link_valid_for),
            followup_at: None,
            followup_channel: None,
            policy,
        };
        Ok(ConfirmationFlow { data, key })
    }

    /// Rebuilds a flow from a [`FlowSnapshot`] and the shop's secret.
    ///
    /// # Errors
    /// [`ErrorKind::SnapshotVersion`] for an unknown version, [`ErrorKind::SnapshotCorrupt`] for
    /// an inconsistent snapshot, [`ErrorKind::InvalidConfig`] for an empty secret.
    pub fn restore(snapshot: FlowSnapshot, secret: &[u8]) -> Result<ConfirmationFlow, Error> {
        if snapshot.version != SNAPSHOT_VERSION {
            return Err(Error::new(
                ErrorKind::SnapshotVersion,
                format!("snapshot version {} is not supported", snapshot.version),
            ));
        }
        let key = TokenKey::new(secret)?;
        let flow = ConfirmationFlow {
            data: snapshot.data,
            key,
        };
        let corrupt = |m: &str| Error::new(ErrorKind::SnapshotCorrupt, m.to_owned());
        flow.data
            .policy
            .validate()
            .map_err(|_| corrupt("the snapshot's policy is invalid"))?;
        if flow.data.order_id.trim().is_empty() || flow.data.pos >= flow.plan().len() {
            return Err(corrupt("the snapshot's flow position is invalid"));
        }
        Ok(flow)
    }

    /// The flow's state, to store between events.
    pub fn snapshot(&self) -> FlowSnapshot {
        FlowSnapshot {
            version: SNAPSHOT_VERSION,
            data: self.data.clone(),
        }
    }

    /// Where the flow stands.
    pub fn state(&self) -> FlowState {
        self.data.state
    }

    /// The phone the flow uses now (E.164), if any.
    pub fn phone(&self) -> Option<&str> {
        self.data.phone.as_deref().filter(|_| !self.data.phone_bad)
    }

    /// When the host should send the next `tick` (Unix seconds), or `None` when no time-driven
    /// step is left.
    pub fn next_deadline(&self) -> Option<i64> {
        let d = &self.data;
        match d.state {
            FlowState::AwaitingFollowup => d.followup_at,
            s if s.is_awaiting_answer() => d.send_at.or_else(|| self.next_timed().map(|(_, t)| t)),
            _ => None,
        }
    }

    /// Checks a link token for this order at `now`, with the reason when it fails.
    ///
    /// # Errors
    /// As [`TokenKey::verify`].
    pub fn verify_link(&self, token: &str, now: i64) -> Result<(), Error> {
        self.key.verify(token, &self.data.order_id, now)
    }

    /// Feeds one event; returns what the host must do, in order.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidEvent`] for a malformed event (see the [module docs](self)); the flow
    /// is unchanged then.
    pub fn handle(&mut self, event: Event) -> Result<Vec<FlowAction>, Error> {
        let at = event.at();
        let invalid = |m: &str| Err(Error::new(ErrorKind::InvalidEvent, m.to_owned()));
        if at < 0 {
            return invalid("event time is negative");
        }
        match &event {
            Event::SendFailed {
                channel: Channel::Call,
                ..
            } => return invalid("send_failed cannot name the call channel"),
            Event::Reply {
                intent: Intent::NewPhone,
                phone,
                ..
            } if phone.as_deref().is_none_or(|p| p.trim().is_empty()) => {
                return invalid("a new_phone reply needs a phone")
            }
            _ => {}
        }
        if self.data.now.is_some_and(|now| at < now) {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        if let Event::Reply {
            intent: Intent::NewPhone,
            phone: Some(raw),
            ..
        } = &event
        {
            if self.data.state.is_awaiting_answer() {
                let Some(phone) = normalize_flow_phone(raw, &self.data.country) else {
                    return invalid("the new phone is not a valid number");
                };
                self.data.now = Some(at);
                self.new_phone(phone.as_str(), at, &mut out);
                self.catch_up(at, &mut out);
                return Ok(out);
            }
        }
        self.data.now = Some(at);
        let state = self.data.state;
        let awaiting = state.is_awaiting_answer();
        match event {
            Event::Placed { .. } if state == FlowState::NotStarted => self.start(at, &mut out),
            // Ticks only bring time forward: `catch_up` below does the work.
            Event::Tick { .. } => {}
            Event::LinkClicked { token, choice, .. }
                if awaiting && self.verify_link(&token, at).is_ok() =>
            {
                match choice {
                    LinkChoice::Confirm => self.confirm(&mut out),
                    LinkChoice::Cancel => self.cancel(CancelReason::CancelledByCustomer, &mut out),
                }
            }
            Event::Reply { intent, .. } if awaiting => match intent {
                Intent::Confirm if self.data.action == Action::RequirePrepayment => {
                    out.push(FlowAction::NotifyCustomerService {
                        reason: NotifyReason::PrepaymentReply,
                    })
                }
                Intent::Confirm => self.confirm(&mut out),
                Intent::Cancel => self.cancel(CancelReason::CancelledByCustomer, &mut out),
                Intent::Unknown => out.push(FlowAction::NotifyCustomerService {
                    reason: NotifyReason::UnclearReply,
                }),
                // Handled above.
                Intent::NewPhone => {}
            },
            Event::CallResult { result, .. } if awaiting => match result {
                CallResult::Confirmed => self.confirm(&mut out),
                CallResult::Cancelled => self.cancel(CancelReason::CancelledByCustomer, &mut out),
                CallResult::NoAnswer => {
                    if self.current() == Step::Call {
                        self.data.attempts += 1;
                        if self.data.attempts >= self.data.policy.call_attempts {
                            self.cancel(CancelReason::Unconfirmed, &mut out);
                        }
                    }
                }
                CallResult::WrongNumber => {
                    if self.phone().is_some() {
                        self.data.phone_bad = true;
                        if matches!(self.current(), Step::Sms | Step::Whatsapp | Step::Call) {
                            self.advance(at, &mut out);
                        }
                    }
                }
            },
            Event::SendFailed { channel, .. } if awaiting => {
                let current = match self.current() {
                    Step::Sms => Some(Channel::Sms),
                    Step::Whatsapp => Some(Channel::Whatsapp),
                    Step::Email => Some(Channel::Email),
                    Step::Call | Step::Cancel => None,
                };
                if current == Some(channel) && self.data.sent {
                    self.advance(at, &mut out);
                }
            }
            Event::Delivered { .. }
                if matches!(state, FlowState::Confirmed | FlowState::AutoConfirmed) =>
            {
                self.delivered(at, &mut out)
            }
            // Late, duplicate or out-of-place: nothing to do.
            _ => {}
        }
        self.catch_up(at, &mut out);
        Ok(out)
    }

    /// Fires what fell due by `at`, so that after any event the next deadline lies ahead.
    fn catch_up(&mut self, at: i64, out: &mut Vec<FlowAction>) {
        match self.data.state {
            FlowState::AwaitingFollowup => self.fire_followup(at, out),
            s if s.is_awaiting_answer() => self.fire_due(at, out),
            _ => {}
        }
    }

    /// The steps of this order's timeline with their offsets; `None`: reached only when the
    /// step before fails.
    fn plan(&self) -> Vec<(Step, Option<i64>)> {
        let p = &self.data.policy;
        match self.data.action {
            Action::Review => vec![
                (Step::Call, Some(0)),
                (Step::Email, None),
                (Step::Cancel, Some(p.cancel_after)),
            ],
            Action::RequirePrepayment => vec![
                (Step::Sms, Some(0)),
                (Step::Whatsapp, None),
                (Step::Email, None),
                (Step::Cancel, Some(p.cancel_after)),
            ],
            _ => vec![
                (Step::Sms, Some(0)),
                (Step::Whatsapp, Some(p.whatsapp_after)),
                (Step::Email, Some(p.email_after)),
                (Step::Call, Some(p.call_after)),
                (Step::Cancel, Some(p.cancel_after)),
            ],
        }
    }

    fn current(&self) -> Step {
        self.plan()
            .get(self.data.pos)
            .map_or(Step::Cancel, |&(s, _)| s)
    }

    fn usable(&self, step: Step) -> bool {
        let d = &self.data;
        let phone = self.phone().is_some();
        match step {
            Step::Sms => phone && !d.policy.opt_out.sms,
            Step::Whatsapp => phone && !d.policy.opt_out.whatsapp,
            Step::Email => d.email.is_some() && !d.policy.opt_out.email,
            Step::Call => phone,
            Step::Cancel => true,
        }
    }

    /// The next usable step after the current one that comes by time, with its due time.
    fn next_timed(&self) -> Option<(usize, i64)> {
        self.plan()
            .iter()
            .enumerate()
            .skip(self.data.pos + 1)
            .find_map(|(i, &(s, off))| match off {
                Some(off) if self.usable(s) => Some((i, self.data.base.saturating_add(off))),
                _ => None,
            })
    }

    fn start(&mut self, at: i64, out: &mut Vec<FlowAction>) {
        match self.data.action {
            Action::AutoConfirm => {
                out.push(FlowAction::Confirm);
                out.push(FlowAction::NotifyCustomerService {
                    reason: NotifyReason::AutoConfirmed,
                });
                self.data.state = FlowState::AutoConfirmed;
            }
            Action::Reject => self.cancel(CancelReason::Rejected, out),
            Action::Confirm | Action::Review | Action::RequirePrepayment => {
                self.data.base = self.data.placed_at;
                self.run_from_first(at, out);
            }
        }
    }

    fn run_from_first(&mut self, at: i64, out: &mut Vec<FlowAction>) {
        let first = self
            .plan()
            .iter()
            .position(|&(s, _)| s != Step::Cancel && self.usable(s));
        match first {
            Some(i) => self.enter(i, at, out),
            None => self.cancel(CancelReason::NoContact, out),
        }
    }

    fn new_phone(&mut self, phone: &str, at: i64, out: &mut Vec<FlowAction>) {
        if self.phone() == Some(phone) {
            return;
        }
        self.data.phone = Some(phone.to_owned());
        self.data.phone_bad = false;
        self.data.base = at;
        self.data.link_expires_at = at.saturating_add(self.data.policy.link_valid_for);
        self.run_from_first(at, out);
    }

    /// Moves to the next usable step at once (the current one failed).
    fn advance(&mut self, at: i64, out: &mut Vec<FlowAction>) {
        let next = self
            .plan()
            .iter()
            .enumerate()
            .skip(self.data.pos + 1)
            .find(|&(_, &(s, _))| self.usable(s))
            .map(|(i, _)| i);
        match next {
            Some(i) => self.enter(i, at, out),
            None => self.cancel(self.final_reason(), out),
        }
    }

    fn final_reason(&self) -> CancelReason {
        if self.data.action == Action::RequirePrepayment {
            CancelReason::Unpaid
        } else {
            CancelReason::Unconfirmed
        }
    }

    /// Fires every step due by `now`, in order.
    fn fire_due(&mut self, now: i64, out: &mut Vec<FlowAction>) {
        while self.data.state.is_awaiting_answer() {
            if let Some(t) = self.data.send_at {
                if t > now {
                    return;
                }
                self.data.send_at = None;
                self.send_current(out);
                continue;
            }
            match self.next_timed() {
                Some((i, t)) if t <= now => self.enter(i, t, out),
                _ => return,
            }
        }
    }

    fn enter(&mut self, pos: usize, at: i64, out: &mut Vec<FlowAction>) {
        self.data.pos = pos;
        self.data.attempts = 0;
        self.data.sent = false;
        self.data.send_at = None;
        let prepay = self.data.action == Action::RequirePrepayment;
        let step = self.current();
        self.data.state = match step {
            Step::Sms | Step::Whatsapp | Step::Email if prepay => FlowState::AwaitingPayment,
            Step::Sms => FlowState::AwaitingSms,
            Step::Whatsapp => FlowState::AwaitingWhatsapp,
            Step::Email => FlowState::AwaitingEmail,
            Step::Call => FlowState::AwaitingCall,
            Step::Cancel => {
                self.cancel(self.final_reason(), out);
                return;
            }
        };
        match step {
            Step::Sms | Step::Whatsapp => {
                let release = self.release_time(at);
                if release > at {
                    // The rest of the timeline moves with the postponed message.
                    self.data.base = self.data.base.saturating_add(release - at);
                    self.data.send_at = Some(release);
                } else {
                    self.send_current(out);
                }
            }
            Step::Email => self.send_current(out),
            Step::Call => out.push(FlowAction::FlagForCall),
            Step::Cancel => {}
        }
    }

    fn release_time(&self, at: i64) -> i64 {
        self.data
            .policy
            .quiet_hours
            .map_or(at, |q| q.release_time(at))
    }

    fn send_current(&mut self, out: &mut Vec<FlowAction>) {
        let prepay = self.data.action == Action::RequirePrepayment;
        let (channel, template) = match self.current() {
            Step::Sms if prepay => (Channel::Sms, names::PREPAYMENT_OFFER),
            Step::Whatsapp if prepay => (Channel::Whatsapp, names::PREPAYMENT_OFFER),
            Step::Email if prepay => (Channel::Email, names::PREPAYMENT_OFFER),
            Step::Sms => (Channel::Sms, names::SMS_CONFIRM),
            Step::Whatsapp => (Channel::Whatsapp, names::WHATSAPP_CONFIRM),
            Step::Email => (Channel::Email, names::EMAIL_NO_LINK),
            Step::Call | Step::Cancel => return,
        };
        if let Some(action) = self.message(channel, template) {
            out.push(action);
            self.data.sent = true;
        }
    }

    /// Renders a message for `channel`; `None` when the channel has no address.
    fn message(&self, channel: Channel, template: &str) -> Option<FlowAction> {
        let d = &self.data;
        let to = match channel {
            Channel::Sms | Channel::Whatsapp => self.phone()?.to_owned(),
            Channel::Email => d.email.clone()?,
            Channel::Call => return None,
        };
        let link = matches!(
            template,
            names::SMS_CONFIRM | names::WHATSAPP_CONFIRM | names::PREPAYMENT_OFFER
        )
        .then(|| {
            format!(
                "{}{}",
                d.policy.link_base,
                self.key.issue(&d.order_id, d.link_expires_at)
            )
        });
        let total = format_total(d.total);
        let vars = MessageVars {
            name: &d.name,
            order_id: &d.order_id,
            total: &total,
            currency: &d.currency,
            link: link.as_deref().unwrap_or(""),
            shop: &d.policy.shop_name,
        };
        let body = render(
            template_text(&d.policy.templates, template, d.lang),
            &vars,
            d.lang,
        );
        Some(FlowAction::Send {
            channel,
            template: template.to_owned(),
            to,
            link,
            segments: (channel == Channel::Sms).then(|| sms_segments(&body)),
            lang: d.lang,
            body,
        })
    }

    fn confirm(&mut self, out: &mut Vec<FlowAction>) {
        out.push(FlowAction::Confirm);
        self.data.state = FlowState::Confirmed;
        self.data.send_at = None;
    }

    fn cancel(&mut self, reason: CancelReason, out: &mut Vec<FlowAction>) {
        out.push(FlowAction::Cancel { reason });
        self.data.state = FlowState::Cancelled;
        self.data.send_at = None;
    }

    fn delivered(&mut self, at: i64, _out: &mut [FlowAction]) {
        let d = &self.data;
        let channel = d
            .policy
            .followup_channels
            .iter()
            .copied()
            .find(|&c| match c {
                Channel::Sms => self.usable(Step::Sms),
                Channel::Whatsapp => self.usable(Step::Whatsapp),
                Channel::Email => self.usable(Step::Email),
                Channel::Call => false,
            });
        match (d.policy.followup_after, channel) {
            (Some(after), Some(channel)) => {
                let due = at.saturating_add(after);
                let due = if channel == Channel::Email {
                    due
                } else {
                    self.release_time(due)
                };
                self.data.followup_at = Some(due);
                self.data.followup_channel = Some(channel);
                self.data.state = FlowState::AwaitingFollowup;
            }
            _ => self.data.state = FlowState::Completed,
        }
    }

    fn fire_followup(&mut self, now: i64, out: &mut Vec<FlowAction>) {
        let (Some(due), Some(channel)) = (self.data.followup_at, self.data.followup_channel) else {
            self.data.state = FlowState::Completed;
            return;
        };
        if due > now {
            return;
        }
        out.extend(self.message(channel, names::FOLLOWUP));
        self.data.followup_at = None;
        self.data.state = FlowState::Completed;
    }
}
