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
//! - `link_clicked` takes an optional `"choice": "confirm" | "cancel" | "reschedule"` (default
//!   `confirm`) for the buttons of the link's page. Only the page's explicit POST may produce it:
//!   opening the link (a GET, or a messenger's preview) must never confirm anything.
//! - `reply` accepts `"intent": "unknown"` (what [`reply_intent`](super::reply_intent) answers
//!   when unsure): it gives `notify_customer_service` (`unclear_reply`) so a person reads it.
//! - `{"type": "send_denied", "at": T, "channel": "sms", "reason": "..."}`: the
//!   [`SendGuard`](super::SendGuard) stopped the message just sent (SMS pumping); the flow moves
//!   on to the next channel at once, as for `send_failed`.
//!
//! # The link's page: delivery window and address
//! `link_clicked` (and `call_result`, for what a customer told the person who called) may carry
//! `"delivery_window": {"day": "YYYY-MM-DD", "slot": "morning" | "afternoon" | "evening"}` and
//! `"address": "..."`; the `confirm` (or `reschedule_delivery`) action carries them on, and a
//! given address replaces the order's. [`ConfirmationFlow::needs_address`] tells the page to ask
//! for the address: the order had none a courier can use (the assessment's reason
//! `address_missing`, or `address_nonsense`: keyboard mash, a lone word), or the
//! courier reported an `address_problem`, and the customer has given none since. A confirmation
//! that leaves it missing (a "yes" by SMS, say) adds `notify_customer_service`
//! (`address_missing`): a person gets it before shipping.
//!
//! # A failed delivery
//! `{"type": "delivery_failed", "at": T, "reason": "unreachable" | "refused" | "postponed" |
//! "address_problem"}` on a confirmed (or auto-confirmed) order moves it to
//! `awaiting_reschedule` and sends the `reschedule` message with a fresh link (valid
//! `link_valid_for` from the failure): SMS at once, WhatsApp `reschedule_whatsapp_after` later
//! (2 h), with quiet hours, failures and new numbers handled as in the timeline above. Then:
//! - a new window on the page (`choice` `reschedule`, or `confirm`), or a `call_result:
//!   confirmed`: `{"type": "reschedule_delivery", "delivery_window": {...}}`, back to `confirmed`
//!   (a later `delivery_failed` asks again, up to `max_reschedules` times; past that it gives
//!   `notify_customer_service` (`delivery_failed_again`) and a person decides);
//! - a cancellation (the page's `cancel`, a `reply: cancel`, a `call_result: cancelled`):
//!   `{"type": "return_to_sender", "outcome": "refused" | "returned"}` and the state `returned`.
//!   The host records `outcome` in the order's history: `refused` when the parcel was refused at
//!   the door, `returned` for any other failure;
//! - a `reply: confirm` gives no window: `notify_customer_service` (`reschedule_reply`);
//! - nothing within `reschedule_answer_within` (24 h) of the failure:
//!   `notify_customer_service` (`delivery_failed_no_answer`); the link stays valid, so a late
//!   answer still counts.
//!
//! `delivered` during `awaiting_reschedule` (the customer met the courier after all) starts the
//! follow-up; a `delivery_failed` in any other state is ignored.
//!
//! `{"type": "returned", "at": T}`: the courier brought the parcel back to the shop (after
//! failed attempts, or without reporting them). On a confirmed, auto-confirmed or rescheduling
//! order: `return_to_sender` (`refused` when the failure being rescheduled was a refusal at the
//! door, else `returned`) and the state `returned`: the reschedule reminders stop and the link
//! is dead. Before confirmation (nothing was shipped) and after `delivered` it is ignored.
//!
//! # What is ignored, what is an error
//! Every event first does its own work, then fires whatever fell due by its time (as a `tick`
//! would), so after any event [`ConfirmationFlow::next_deadline`] lies strictly ahead of it.
//!
//! Late (after the flow ended), duplicate and out-of-order (time before the last event's)
//! events return no actions. A `link_clicked` whose token does not verify also returns no actions
//! (a bad token must not confirm, and telling a guesser why helps nobody); the host can learn why
//! from [`ConfirmationFlow::verify_link`]. Malformed events are [`ErrorKind::InvalidEvent`]: a
//! negative time, an unknown field or name, `send_failed` on `call`, a `new_phone` reply without
//! a valid phone, a delivery window that is no calendar date or lies in the past, an address
//! over 500 characters.
//!
//! # Links and snapshots
//! Every link is bound to the flow's nonce and to the current run (the start, a new number, a
//! failed delivery each begin one): the flow accepts only the latest link it sent, never a
//! token of the same order id issued elsewhere or a link of an earlier flow for a reused order
//! id ([`ConfirmationFlow::verify_link`]). [`ConfirmationFlow::snapshot`] is sealed with an
//! HMAC under the shop's secret: an edited or damaged snapshot is refused on restore.
//!
//! # Deadlines
//! At most one deadline is pending at a time, and each has a name (a `Timer`, as quinn-proto
//! names its timers): the end of quiet hours for a waiting message, the next step of the
//! timeline, the follow-up after delivery. [`ConfirmationFlow::next_deadline`] is its time.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::events::{
    CallResult, CancelReason, Channel, DeliveryFailure, DeliveryWindow, Event, FlowAction,
    FlowState, LinkChoice, NotifyReason,
};
use super::intent::{normalize_flow_phone, Intent};
use super::policy::FlowPolicy;
use super::sms::sms_segments;
use super::snapshot::{FlowData, FlowSnapshot};
use super::templates::{choose_lang, format_total, names, render, template_text, MessageVars};
use super::token::{FlowLink, TokenKey};
use crate::assessment::Action;
use crate::error::{Error, ErrorKind};
use crate::normalize::normalize_address;
use crate::record::{Order, Outcome};

/// The largest total a flow takes: far above any cash-on-delivery order, far below where an
/// amount stops printing as a short number.
const MAX_TOTAL: f64 = 1e12;
/// Bounds of a flow nonce, bytes.
const MIN_NONCE: usize = 8;
const MAX_NONCE: usize = 64;

/// A step of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Sms,
    Whatsapp,
    Email,
    Call,
    /// The end of the confirmation timeline: cancel.
    Cancel,
    /// The end of a failed delivery's timeline: tell customer service.
    GiveUp,
}

/// What the customer told the page or the person who called, besides yes or no.
#[derive(Debug, Clone, Default)]
struct Details {
    delivery_window: Option<DeliveryWindow>,
    address: Option<String>,
}

impl Details {
    fn new(delivery_window: Option<DeliveryWindow>, address: Option<String>) -> Details {
        // An empty address field is no address.
        let address = address
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        Details {
            delivery_window,
            address,
        }
    }
}

/// A named deadline: what fires when time reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// The current step's SMS or WhatsApp waits for the end of quiet hours.
    QuietHoursEnd,
    /// The next step of the timeline (its index in the plan) comes due.
    NextStep(usize),
    /// The follow-up message after delivery.
    Followup,
}

/// The confirmation flow of one order. See the [module docs](self) for the timeline.
///
/// # Example
/// ```
/// use codguard::{assessment::Action, confirm::*, Order};
/// let order: Order = serde_json::from_str(r#"{"order_id": "o-1", "placed_at": 1767225600,
///     "name": "Salma", "phone": "+212612345678", "address": "12 rue Ibn Battouta, Maarif",
///     "country": "MA", "total": 349, "currency": "MAD"}"#).unwrap();
/// let nonce = b"16 random bytes!"; // from the OS in production: see ConfirmationFlow::new
/// let mut flow = ConfirmationFlow::new(&order, Action::Confirm, FlowPolicy::default(), b"secret", nonce).unwrap();
/// let actions = flow.handle(Event::Placed { at: 1767225600 }).unwrap();
/// assert!(matches!(&actions[0], FlowAction::Send { channel: Channel::Sms, .. }));
/// assert_eq!(flow.state(), FlowState::AwaitingSms);
/// assert_eq!(flow.next_deadline(), Some(1767225600 + 4 * 3600));
/// let actions = flow.handle(Event::Reply { at: 1767226000, channel: Channel::Sms,
///     intent: Intent::Confirm, phone: None }).unwrap();
/// assert!(matches!(actions[..], [FlowAction::Confirm { .. }]));
/// ```
#[derive(Debug, Clone)]
pub struct ConfirmationFlow {
    data: FlowData,
    key: TokenKey,
}

impl ConfirmationFlow {
    /// A flow for `order`, assessed as `action`, run by `policy`, signing links and sealing
    /// snapshots with `secret`, its links bound to `nonce`.
    ///
    /// The nonce tells this flow from any other, including an earlier flow for the same order
    /// id: a flow accepts only the links it sent. Give 16 fresh random bytes (from the OS; the
    /// bindings draw them when not given); tests give fixed ones to replay identically. It is
    /// kept in the snapshot.
    ///
    /// An order phone that is not a valid number leaves the phone steps out; an email without
    /// `@` leaves the email step out.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] for an order without id, or with a total that is not a
    /// number from 0 to 10^12 (NaN, infinite, negative); [`ErrorKind::InvalidConfig`] for a bad
    /// policy, an empty secret, or a nonce of fewer than 8 or more than 64 bytes.
    ///
    /// # Example
    /// ```
    /// use codguard::{assessment::Action, confirm::*, ErrorKind, Order};
    /// let order = Order { order_id: "o-1".into(), total: f64::NAN, ..Order::default() };
    /// let err = ConfirmationFlow::new(&order, Action::Confirm, FlowPolicy::default(), b"s", b"nonce-01").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidRecord);
    /// ```
    pub fn new(
        order: &Order,
        action: Action,
        policy: FlowPolicy,
        secret: &[u8],
        nonce: &[u8],
    ) -> Result<ConfirmationFlow, Error> {
        order.validate()?;
        if !(order.total.is_finite() && (0.0..=MAX_TOTAL).contains(&order.total)) {
            return Err(Error::new(
                ErrorKind::InvalidRecord,
                "total is not an amount from 0 to 10^12 (NaN, infinite or negative)",
            ));
        }
        policy.validate()?;
        if !(MIN_NONCE..=MAX_NONCE).contains(&nonce.len()) {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "the flow nonce must be 8 to 64 bytes (16 random ones are right)",
            ));
        }
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
            address_needed: !is_deliverable_address(&order.address, &order.city, &order.country),
            failure: None,
            reschedules: 0,
            nonce: URL_SAFE_NO_PAD.encode(nonce),
            epoch: 0,
            link_sent: false,
            policy,
        };
        Ok(ConfirmationFlow { data, key })
    }

    /// Rebuilds a flow from a [`FlowSnapshot`] and the shop's secret.
    ///
    /// # Errors
    /// [`ErrorKind::SnapshotVersion`] for another version; [`ErrorKind::SnapshotCorrupt`] for
    /// a snapshot that was changed (an edited row as well as a flipped bit), sealed with
    /// another secret, or is inconsistent; [`ErrorKind::InvalidConfig`] for an empty secret.
    pub fn restore(snapshot: FlowSnapshot, secret: &[u8]) -> Result<ConfirmationFlow, Error> {
        let key = TokenKey::new(secret)?;
        let data = snapshot.open(&key)?;
        let flow = ConfirmationFlow { data, key };
        let d = &flow.data;
        let consistent = d.pos < flow.plan().len()
            && (d.state != FlowState::AwaitingFollowup
                || (d.followup_at.is_some() && d.followup_channel.is_some()))
            && (MIN_NONCE..=MAX_NONCE).contains(&flow.nonce().len())
            && d.total.is_finite();
        if !consistent {
            return Err(Error::new(
                ErrorKind::SnapshotCorrupt,
                "the snapshot's flow position is invalid",
            ));
        }
        Ok(flow)
    }

    /// The flow's state, sealed under the secret, to store between events.
    pub fn snapshot(&self) -> FlowSnapshot {
        FlowSnapshot::of(&self.data, &self.key)
    }

    /// Where the flow stands.
    pub fn state(&self) -> FlowState {
        self.data.state
    }

    /// True when the link's page must ask for a delivery address: the order had none a courier
    /// can use (blank or nonsense, see `is_deliverable_address`), or the
    /// courier reported an `address_problem`, and the customer has given none since. (A
    /// confirmation without one also tells customer service, `address_missing`.)
    pub fn needs_address(&self) -> bool {
        self.data.address_needed
    }

    /// The phone the flow uses now (E.164), if any.
    pub fn phone(&self) -> Option<&str> {
        self.data.phone.as_deref().filter(|_| !self.data.phone_bad)
    }

    /// When the host should send the next `tick` (Unix seconds), or `None` when no time-driven
    /// step is left.
    pub fn next_deadline(&self) -> Option<i64> {
        self.pending_timer().map(|(_, at)| at)
    }

    /// Checks a link's token at `now`, with the reason when it fails. Only the latest link
    /// this flow sent passes: not a token of the same order id issued elsewhere
    /// ([`issue_token`](super::issue_token)), not a link of an earlier flow for a reused order
    /// id, not a link a new number or a failed delivery replaced, and nothing in a flow that
    /// has sent no link (a `review` flow starts with a call).
    ///
    /// # Errors
    /// [`ErrorKind::TokenMalformed`] (not a token), [`ErrorKind::TokenWrongOrder`] (another
    /// flow's), [`ErrorKind::TokenExpired`] (replaced, or past its time),
    /// [`ErrorKind::TokenForged`] (the signature fails, or this flow has sent no link).
    pub fn verify_link(&self, token: &str, now: i64) -> Result<(), Error> {
        let d = &self.data;
        let nonce = self.nonce();
        let link = FlowLink {
            nonce: &nonce,
            epoch: d.epoch,
        };
        self.key.verify_flow_link(token, &d.order_id, link, now)?;
        if !d.link_sent {
            return Err(Error::new(
                ErrorKind::TokenForged,
                "this flow has sent no link",
            ));
        }
        Ok(())
    }

    fn nonce(&self) -> Vec<u8> {
        // Checked when the flow was restored: it decodes.
        URL_SAFE_NO_PAD
            .decode(self.data.nonce.as_bytes())
            .unwrap_or_default()
    }

    /// Feeds one event; returns what the host must do, in order.
    ///
    /// Each event does its own work (one function per event), then whatever fell due by its
    /// time fires, as a `tick` would.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidEvent`] for a malformed event (see the [module docs](self)); the flow
    /// is unchanged then.
    pub fn handle(&mut self, event: Event) -> Result<Vec<FlowAction>, Error> {
        event.validate()?;
        let at = event.at();
        if self.data.now.is_some_and(|now| at < now) {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        match event {
            Event::Placed { .. } => self.on_placed(at, &mut out),
            // Ticks only bring time forward: `catch_up` below does the work.
            Event::Tick { .. } => {}
            Event::LinkClicked {
                token,
                choice,
                delivery_window,
                address,
                ..
            } => {
                let details = Details::new(delivery_window, address);
                self.on_link_clicked(&token, choice, details, at, &mut out)
            }
            Event::Reply { intent, phone, .. } => {
                self.on_reply(intent, phone.as_deref(), at, &mut out)?
            }
            Event::CallResult {
                result,
                delivery_window,
                address,
                ..
            } => {
                let details = Details::new(delivery_window, address);
                self.on_call_result(result, details, at, &mut out)
            }
            // A message the send guard stopped never left: the flow moves on as for a failure.
            Event::SendFailed { channel, .. } | Event::SendDenied { channel, .. } => {
                self.on_send_failed(channel, at, &mut out)
            }
            Event::Delivered { .. } => self.on_delivered(at),
            Event::DeliveryFailed { reason, .. } => self.on_delivery_failed(reason, at, &mut out),
            Event::Returned { .. } => self.on_returned(&mut out),
        }
        self.data.now = Some(at);
        self.catch_up(at, &mut out);
        Ok(out)
    }

    fn awaiting(&self) -> bool {
        self.data.state.is_awaiting_answer()
    }

    /// True while a failed delivery waits for the customer's new window.
    fn rescheduling(&self) -> bool {
        self.data.state == FlowState::AwaitingReschedule
    }

    fn on_placed(&mut self, at: i64, out: &mut Vec<FlowAction>) {
        if self.data.state != FlowState::NotStarted {
            return;
        }
        match self.data.action {
            Action::AutoConfirm => {
                self.confirm(Details::default(), out);
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

    /// A button of the link's page; a token that does not verify does nothing (the host can
    /// ask [`ConfirmationFlow::verify_link`] why).
    fn on_link_clicked(
        &mut self,
        token: &str,
        choice: LinkChoice,
        details: Details,
        at: i64,
        out: &mut Vec<FlowAction>,
    ) {
        if !self.awaiting() || self.verify_link(token, at).is_err() {
            return;
        }
        match choice {
            LinkChoice::Cancel => self.refuse(out),
            LinkChoice::Confirm | LinkChoice::Reschedule => self.accept(details, out),
        }
    }

    /// # Errors
    /// [`ErrorKind::InvalidEvent`] for a `new_phone` that is not a valid number, before any
    /// change.
    fn on_reply(
        &mut self,
        intent: Intent,
        phone: Option<&str>,
        at: i64,
        out: &mut Vec<FlowAction>,
    ) -> Result<(), Error> {
        if !self.awaiting() {
            return Ok(());
        }
        match intent {
            // A "yes" gives no window: a person agrees one.
            Intent::Confirm if self.rescheduling() => out.push(FlowAction::NotifyCustomerService {
                reason: NotifyReason::RescheduleReply,
            }),
            Intent::Confirm if self.data.action == Action::RequirePrepayment => {
                out.push(FlowAction::NotifyCustomerService {
                    reason: NotifyReason::PrepaymentReply,
                })
            }
            Intent::Confirm => self.accept(Details::default(), out),
            Intent::Cancel => self.refuse(out),
            Intent::Unknown => out.push(FlowAction::NotifyCustomerService {
                reason: NotifyReason::UnclearReply,
            }),
            Intent::NewPhone => {
                let phone = phone
                    .and_then(|raw| normalize_flow_phone(raw, &self.data.country))
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidEvent,
                            "the new phone is not a valid number",
                        )
                    })?;
                self.new_phone(phone.as_str(), at, out);
            }
        }
        Ok(())
    }

    fn on_call_result(
        &mut self,
        result: CallResult,
        details: Details,
        at: i64,
        out: &mut Vec<FlowAction>,
    ) {
        if !self.awaiting() {
            return;
        }
        match result {
            CallResult::Confirmed => self.accept(details, out),
            CallResult::Cancelled => self.refuse(out),
            CallResult::NoAnswer => {
                if self.current() == Step::Call {
                    self.data.attempts += 1;
                    if self.data.attempts >= self.data.policy.call_attempts {
                        self.cancel(CancelReason::Unconfirmed, out);
                    }
                }
            }
            CallResult::WrongNumber => {
                if self.phone().is_some() {
                    self.data.phone_bad = true;
                    if matches!(self.current(), Step::Sms | Step::Whatsapp | Step::Call) {
                        self.advance(at, out);
                    }
                }
            }
        }
    }

    /// A failure of the message just sent moves on to the next usable step at once.
    fn on_send_failed(&mut self, channel: Channel, at: i64, out: &mut Vec<FlowAction>) {
        if !self.awaiting() {
            return;
        }
        let current = match self.current() {
            Step::Sms => Some(Channel::Sms),
            Step::Whatsapp => Some(Channel::Whatsapp),
            Step::Email => Some(Channel::Email),
            Step::Call | Step::Cancel | Step::GiveUp => None,
        };
        if current == Some(channel) && self.data.sent {
            self.advance(at, out);
        }
    }

    /// Delivery of a confirmed order (or of one being rescheduled: the customer met the courier
    /// after all) schedules the follow-up message.
    fn on_delivered(&mut self, at: i64) {
        if !matches!(
            self.data.state,
            FlowState::Confirmed | FlowState::AutoConfirmed | FlowState::AwaitingReschedule
        ) {
            return;
        }
        self.data.send_at = None;
        self.data.failure = None;
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

    /// A failed delivery of a confirmed order: the `reschedule` message with a fresh link, on
    /// the timeline of [`FlowPolicy::reschedule_whatsapp_after`] and
    /// [`FlowPolicy::reschedule_answer_within`]; past [`FlowPolicy::max_reschedules`], customer
    /// service decides.
    fn on_delivery_failed(&mut self, reason: DeliveryFailure, at: i64, out: &mut Vec<FlowAction>) {
        if !matches!(
            self.data.state,
            FlowState::Confirmed | FlowState::AutoConfirmed
        ) {
            return;
        }
        if self.data.reschedules >= self.data.policy.max_reschedules {
            out.push(FlowAction::NotifyCustomerService {
                reason: NotifyReason::DeliveryFailedAgain,
            });
            return;
        }
        self.data.failure = Some(reason);
        if reason == DeliveryFailure::AddressProblem {
            self.data.address_needed = true;
        }
        self.data.state = FlowState::AwaitingReschedule;
        self.data.base = at;
        self.data.link_expires_at = at.saturating_add(self.data.policy.link_valid_for);
        self.run_from_first(at, out);
    }

    /// The courier brought a shipped parcel back: `return_to_sender` with the outcome to
    /// record (`refused` when the failure being rescheduled was a refusal at the door), and the
    /// flow ends, so no reschedule message or reminder goes out for a parcel already back. A
    /// parcel is out only once confirmed: before that, and after delivery, it is ignored.
    fn on_returned(&mut self, out: &mut Vec<FlowAction>) {
        if matches!(
            self.data.state,
            FlowState::Confirmed | FlowState::AutoConfirmed | FlowState::AwaitingReschedule
        ) {
            self.return_to_sender(out);
        }
    }

    /// The pending deadline, if any. A message waiting for the end of quiet hours goes out
    /// before the next step is timed.
    fn pending_timer(&self) -> Option<(Timer, i64)> {
        let d = &self.data;
        match d.state {
            FlowState::AwaitingFollowup => d.followup_at.map(|t| (Timer::Followup, t)),
            _ if self.awaiting() => match d.send_at {
                Some(t) => Some((Timer::QuietHoursEnd, t)),
                None => self.next_timed().map(|(i, t)| (Timer::NextStep(i), t)),
            },
            _ => None,
        }
    }

    /// Fires every deadline reached by `now`, each at its own time, so that after any event
    /// the next deadline lies ahead.
    fn catch_up(&mut self, now: i64, out: &mut Vec<FlowAction>) {
        while let Some((timer, at)) = self.pending_timer() {
            if at > now {
                return;
            }
            match timer {
                Timer::QuietHoursEnd => {
                    self.data.send_at = None;
                    self.send_current(out);
                }
                Timer::NextStep(pos) => self.enter(pos, at, out),
                Timer::Followup => self.send_followup(out),
            }
        }
    }

    /// The steps of this order's timeline with their offsets; `None`: reached only when the
    /// step before fails.
    fn plan(&self) -> Vec<(Step, Option<i64>)> {
        let p = &self.data.policy;
        if self.rescheduling() {
            return vec![
                (Step::Sms, Some(0)),
                (Step::Whatsapp, Some(p.reschedule_whatsapp_after)),
                (Step::GiveUp, Some(p.reschedule_answer_within)),
            ];
        }
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
            Step::Cancel | Step::GiveUp => true,
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

    /// Starts a run of the current timeline from its first usable step, with a new link.
    fn run_from_first(&mut self, at: i64, out: &mut Vec<FlowAction>) {
        self.data.epoch = self.data.epoch.wrapping_add(1);
        self.data.link_sent = false;
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

    fn enter(&mut self, pos: usize, at: i64, out: &mut Vec<FlowAction>) {
        self.data.pos = pos;
        self.data.attempts = 0;
        self.data.sent = false;
        self.data.send_at = None;
        let prepay = self.data.action == Action::RequirePrepayment;
        let step = self.current();
        self.data.state = match step {
            // One state for the whole of a failed delivery's timeline.
            _ if self.rescheduling() => FlowState::AwaitingReschedule,
            Step::Sms | Step::Whatsapp | Step::Email if prepay => FlowState::AwaitingPayment,
            Step::Sms => FlowState::AwaitingSms,
            Step::Whatsapp => FlowState::AwaitingWhatsapp,
            Step::Email => FlowState::AwaitingEmail,
            Step::Call => FlowState::AwaitingCall,
            Step::Cancel | Step::GiveUp => self.data.state,
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
            Step::Cancel => self.cancel(self.final_reason(), out),
            // The customer may still answer: the link stays valid.
            Step::GiveUp => out.push(FlowAction::NotifyCustomerService {
                reason: NotifyReason::DeliveryFailedNoAnswer,
            }),
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
            Step::Sms if self.rescheduling() => (Channel::Sms, names::RESCHEDULE),
            Step::Whatsapp if self.rescheduling() => (Channel::Whatsapp, names::RESCHEDULE),
            Step::Sms if prepay => (Channel::Sms, names::PREPAYMENT_OFFER),
            Step::Whatsapp if prepay => (Channel::Whatsapp, names::PREPAYMENT_OFFER),
            Step::Email if prepay => (Channel::Email, names::PREPAYMENT_OFFER),
            Step::Sms => (Channel::Sms, names::SMS_CONFIRM),
            Step::Whatsapp => (Channel::Whatsapp, names::WHATSAPP_CONFIRM),
            Step::Email => (Channel::Email, names::EMAIL_NO_LINK),
            Step::Call | Step::Cancel | Step::GiveUp => return,
        };
        if let Some(action) = self.message(channel, template) {
            if matches!(action, FlowAction::Send { link: Some(_), .. }) {
                self.data.link_sent = true;
            }
            out.push(action);
            self.data.sent = true;
        }
    }

    fn send_followup(&mut self, out: &mut Vec<FlowAction>) {
        if let Some(channel) = self.data.followup_channel {
            out.extend(self.message(channel, names::FOLLOWUP));
        }
        self.data.followup_at = None;
        self.data.state = FlowState::Completed;
    }

    /// Renders a message for `channel`; `None` when the channel has no address.
    fn message(&self, channel: Channel, template: &str) -> Option<FlowAction> {
        let d = &self.data;
        let to = match channel {
            Channel::Sms | Channel::Whatsapp => self.phone()?.to_owned(),
            Channel::Email => d.email.clone()?,
            Channel::Call => return None,
        };
        let link = names::carries_link(template).then(|| {
            let nonce = self.nonce();
            let link = FlowLink {
                nonce: &nonce,
                epoch: d.epoch,
            };
            let token = self
                .key
                .issue_flow_link(&d.order_id, link, d.link_expires_at);
            format!("{}{token}", d.policy.link_base)
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

    /// The customer wants the parcel: a confirmation, or after a failed delivery a new window.
    fn accept(&mut self, details: Details, out: &mut Vec<FlowAction>) {
        if self.rescheduling() {
            self.reschedule(details, out);
        } else {
            self.confirm(details, out);
        }
    }

    /// The customer does not want it: a cancellation, or after a failed delivery a return.
    fn refuse(&mut self, out: &mut Vec<FlowAction>) {
        if self.rescheduling() {
            self.return_to_sender(out);
        } else {
            self.cancel(CancelReason::CancelledByCustomer, out);
        }
    }

    fn confirm(&mut self, details: Details, out: &mut Vec<FlowAction>) {
        let confirm = |delivery_window, address| FlowAction::Confirm {
            delivery_window,
            address,
        };
        self.pass_details(details, confirm, out);
        self.data.state = FlowState::Confirmed;
        self.data.send_at = None;
    }

    fn reschedule(&mut self, details: Details, out: &mut Vec<FlowAction>) {
        let reschedule = |delivery_window, address| FlowAction::RescheduleDelivery {
            delivery_window,
            address,
        };
        self.pass_details(details, reschedule, out);
        self.data.reschedules = self.data.reschedules.saturating_add(1);
        self.data.failure = None;
        self.data.state = FlowState::Confirmed;
        self.data.send_at = None;
    }

    /// Passes the customer's details on in `action` (a confirmation or a new delivery), noting an
    /// address they gave; then, when the order still has none, asks customer service for it.
    fn pass_details(
        &mut self,
        details: Details,
        action: impl FnOnce(Option<DeliveryWindow>, Option<String>) -> FlowAction,
        out: &mut Vec<FlowAction>,
    ) {
        if let Some(address) = &details.address {
            self.data.address_needed = !is_deliverable_address(address, "", &self.data.country);
        }
        out.push(action(details.delivery_window, details.address));
        if self.data.address_needed {
            out.push(FlowAction::NotifyCustomerService {
                reason: NotifyReason::AddressMissing,
            });
        }
    }

    /// The outcome to record is `refused` when the customer refused the parcel at the door and
    /// then cancelled; any other cancellation after shipping is a `returned` parcel.
    fn return_to_sender(&mut self, out: &mut Vec<FlowAction>) {
        let outcome = if self.data.failure == Some(DeliveryFailure::Refused) {
            Outcome::Refused
        } else {
            Outcome::Returned
        };
        out.push(FlowAction::ReturnToSender { outcome });
        self.data.state = FlowState::Returned;
        self.data.send_at = None;
    }

    fn cancel(&mut self, reason: CancelReason, out: &mut Vec<FlowAction>) {
        out.push(FlowAction::Cancel { reason });
        self.data.state = FlowState::Cancelled;
        self.data.send_at = None;
    }
}

/// Whether a parcel can be sent to `address`: it is there and is not nonsense (keyboard mash,
/// "test", one lone word: the address parser's verdict, [`NormalizedAddress::nonsense`]). An
/// order whose address is "asdfgh" has no address a courier can use, as one without any: the
/// page asks for it and a confirmation without one tells customer service (`address_missing`),
/// whatever the customer's class (a good customer's auto-confirmed order too).
///
/// [`NormalizedAddress::nonsense`]: crate::normalize::NormalizedAddress::nonsense
fn is_deliverable_address(address: &str, city: &str, country: &str) -> bool {
    !address.trim().is_empty()
        && !normalize_address(address, city, country).is_ok_and(|read| read.nonsense)
}
