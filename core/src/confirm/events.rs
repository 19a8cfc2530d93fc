//! The flow's wire types: the [`Event`]s a host feeds in, the [`FlowAction`]s it gets back and
//! the [`FlowState`] names it can read. Their serde form is the JSON of the contract (section 3)
//! and of `docs/contract.md`; every binding passes them through serde, so there is one spelling.

use serde::{Deserialize, Serialize};

use super::intent::Intent;
use super::templates::Lang;
use crate::error::{Error, ErrorKind};
use crate::record::Outcome;

/// The longest address a page or a call may give, in characters.
pub const MAX_ADDRESS_CHARS: usize = 500;

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

contract_names!(Channel, "channel", {
    Sms => "sms",
    Whatsapp => "whatsapp",
    Email => "email",
    Call => "call",
});

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

contract_names!(CallResult, "call result", {
    Confirmed => "confirmed",
    Cancelled => "cancelled",
    NoAnswer => "no_answer",
    WrongNumber => "wrong_number",
});

/// Which button of the link's page the customer pressed.
///
/// Before shipping the page offers Confirm and Cancel; after a failed delivery it offers a new
/// window (Reschedule) and Cancel. A `reschedule` before shipping counts as `confirm`, and a
/// `confirm` after a failed delivery as `reschedule`: either way the customer wants the parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LinkChoice {
    /// "Confirm".
    #[default]
    Confirm,
    /// "Cancel".
    Cancel,
    /// "Deliver again in this window", after a failed delivery.
    Reschedule,
}

contract_names!(LinkChoice, "link choice", {
    Confirm => "confirm",
    Cancel => "cancel",
    Reschedule => "reschedule",
});

/// A part of the day for a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    /// Morning.
    Morning,
    /// Afternoon.
    Afternoon,
    /// Evening.
    Evening,
}

contract_names!(Slot, "slot", {
    Morning => "morning",
    Afternoon => "afternoon",
    Evening => "evening",
});

/// When the customer wants the parcel: a day (`YYYY-MM-DD`, the shop's calendar) and a part of
/// it.
///
/// # Example
/// ```
/// use codguard::confirm::{DeliveryWindow, Slot};
/// let w: DeliveryWindow = serde_json::from_str(r#"{"day": "2026-01-03", "slot": "evening"}"#).unwrap();
/// assert_eq!(w.slot, Slot::Evening);
/// assert!(w.check(1_767_225_600).is_ok()); // 2026-01-01
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryWindow {
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// The part of the day.
    pub slot: Slot,
}

impl DeliveryWindow {
    /// Checks the day: a real calendar date written `YYYY-MM-DD`, from the day before `at`'s
    /// UTC date (the shop's day may still be yesterday in UTC) to a year after it.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidEvent`] naming the problem.
    pub fn check(&self, at: i64) -> Result<(), Error> {
        let invalid = |m: &str| Err(Error::new(ErrorKind::InvalidEvent, m.to_owned()));
        let shaped = self.day.len() == 10
            && self.day.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        let Some(day) = shaped
            .then(|| self.day.parse::<jiff::civil::Date>().ok())
            .flatten()
        else {
            return invalid("delivery_window.day is not a YYYY-MM-DD date");
        };
        let Ok(today) =
            jiff::Timestamp::from_second(at).map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        else {
            return invalid("event time is out of range");
        };
        let earliest = today.yesterday().unwrap_or(today);
        let latest = today
            .checked_add(jiff::Span::new().days(366))
            .unwrap_or(today);
        if day < earliest || day > latest {
            return invalid("delivery_window.day is in the past or more than a year ahead");
        }
        Ok(())
    }
}

/// Why the send guard stopped a message (see [`SendGuard`](super::SendGuard)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// The number is not a valid phone number.
    NumberInvalid,
    /// The number belongs to a country the shop does not serve.
    CountryNotAllowed,
    /// The shop's paid messages for today are spent.
    DailyBudget,
    /// This number has had its messages for today.
    NumberDailyLimit,
    /// The numbers of this prefix have had their messages for this hour.
    PrefixHourlyLimit,
}

contract_names!(DenyReason, "deny reason", {
    NumberInvalid => "number_invalid",
    CountryNotAllowed => "country_not_allowed",
    DailyBudget => "daily_budget",
    NumberDailyLimit => "number_daily_limit",
    PrefixHourlyLimit => "prefix_hourly_limit",
});

/// Why the courier could not deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryFailure {
    /// The courier could not reach the customer.
    Unreachable,
    /// The customer refused the parcel at the door.
    Refused,
    /// The customer asked for another day.
    Postponed,
    /// The address could not be found or was wrong.
    AddressProblem,
}

contract_names!(DeliveryFailure, "delivery failure", {
    Unreachable => "unreachable",
    Refused => "refused",
    Postponed => "postponed",
    AddressProblem => "address_problem",
});

/// What happened, as the host reports it. `at` is Unix seconds.
///
/// # Example
/// ```
/// use codguard::confirm::Event;
/// let e: Event = serde_json::from_str(r#"{"type": "send_failed", "at": 5, "channel": "sms"}"#).unwrap();
/// assert_eq!(e.at(), 5);
/// ```
///
/// Reading one (its `Deserialize`, in `event_wire`) names the field at fault and never repeats
/// its value: `field `at` must be an integer (Unix seconds), not a string`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
        /// The delivery window the customer picked on the page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery_window: Option<DeliveryWindow>,
        /// The delivery address the customer typed on the page (asked when the order had
        /// none, or after an `address_problem`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
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
        /// The delivery window agreed on the phone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery_window: Option<DeliveryWindow>,
        /// The delivery address given on the phone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// A message could not be delivered.
    SendFailed {
        /// Time.
        at: i64,
        /// The channel that failed (not `call`).
        channel: Channel,
    },
    /// The send guard stopped the message just sent (not sent): like a failed send, the flow
    /// moves on to the next channel.
    SendDenied {
        /// Time.
        at: i64,
        /// The channel of the stopped message (not `call`).
        channel: Channel,
        /// Why.
        reason: DenyReason,
    },
    /// The order was delivered (beyond the contract's list: starts the follow-up).
    Delivered {
        /// Time.
        at: i64,
    },
    /// The courier could not deliver a confirmed order: asks the customer for a new window.
    DeliveryFailed {
        /// Time.
        at: i64,
        /// Why.
        reason: DeliveryFailure,
    },
    /// The courier brought a shipped parcel back to the shop (beyond the contract's list): the
    /// flow ends with `return_to_sender`, whatever it was waiting for.
    Returned {
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
            | Event::SendDenied { at, .. }
            | Event::Delivered { at }
            | Event::DeliveryFailed { at, .. }
            | Event::Returned { at } => at,
        }
    }

    /// Checks what serde cannot: a time before 1970, `send_failed` on `call`, a `new_phone`
    /// reply without a phone, a delivery window that is no date or is in the past, an address
    /// over [`MAX_ADDRESS_CHARS`] or with control characters.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidEvent`] naming the problem.
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |m: &str| Err(Error::new(ErrorKind::InvalidEvent, m.to_owned()));
        match self {
            e if e.at() < 0 => invalid("event time is negative"),
            Event::SendFailed {
                channel: Channel::Call,
                ..
            }
            | Event::SendDenied {
                channel: Channel::Call,
                ..
            } => invalid("send_failed and send_denied cannot name the call channel"),
            Event::Reply {
                intent: Intent::NewPhone,
                phone,
                ..
            } if phone.as_deref().is_none_or(|p| p.trim().is_empty()) => {
                invalid("a new_phone reply needs a phone")
            }
            Event::LinkClicked {
                delivery_window,
                address,
                at,
                ..
            }
            | Event::CallResult {
                delivery_window,
                address,
                at,
                ..
            } => {
                if let Some(w) = delivery_window {
                    w.check(*at)?;
                }
                match address {
                    Some(a) if a.chars().count() > MAX_ADDRESS_CHARS => {
                        invalid("address is longer than 500 characters")
                    }
                    Some(a) if a.chars().any(|c| c.is_control() && c != '\n') => {
                        invalid("address holds control characters")
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
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

contract_names!(CancelReason, "cancel reason", {
    Unconfirmed => "unconfirmed",
    CancelledByCustomer => "cancelled_by_customer",
    Rejected => "rejected",
    Unpaid => "unpaid",
    NoContact => "no_contact",
});

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
    /// A confirmed order has no delivery address: someone must ask for it.
    AddressMissing,
    /// After a failed delivery the customer did not pick a new window in time (or could not be
    /// asked): someone must call.
    DeliveryFailedNoAnswer,
    /// After a failed delivery the customer replied "yes" without a window: someone must agree
    /// one with them.
    RescheduleReply,
    /// Delivery failed again after the reschedules the policy allows: someone decides.
    DeliveryFailedAgain,
}

contract_names!(NotifyReason, "notify reason", {
    AutoConfirmed => "auto_confirmed",
    UnclearReply => "unclear_reply",
    PrepaymentReply => "prepayment_reply",
    AddressMissing => "address_missing",
    DeliveryFailedNoAnswer => "delivery_failed_no_answer",
    RescheduleReply => "reschedule_reply",
    DeliveryFailedAgain => "delivery_failed_again",
});

/// What the host must do. Serialized as in the contract, with extra fields on `send`, and on
/// `confirm` the window and address the customer gave (absent fields are left out, so a plain
/// confirmation is `{"type": "confirm"}`).
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
    Confirm {
        /// The delivery window the customer picked, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery_window: Option<DeliveryWindow>,
        /// The address the customer gave, if any: it replaces the order's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// Deliver again, after a failed delivery.
    RescheduleDelivery {
        /// The new window, when the customer picked one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery_window: Option<DeliveryWindow>,
        /// The corrected address, when the customer gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// Send the parcel back to the shop, and record `outcome` in the order's history: `refused`
    /// when the customer refused it at the door and then cancelled, `returned` otherwise.
    ReturnToSender {
        /// The outcome to record.
        outcome: Outcome,
    },
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
    /// A delivery failed: the customer is asked for a new window or a cancellation.
    AwaitingReschedule,
    /// After a failed delivery the parcel goes back to the shop (terminal).
    Returned,
}

contract_names!(FlowState, "flow state", {
    NotStarted => "not_started",
    AwaitingSms => "awaiting_sms",
    AwaitingWhatsapp => "awaiting_whatsapp",
    AwaitingEmail => "awaiting_email",
    AwaitingCall => "awaiting_call",
    AwaitingPayment => "awaiting_payment",
    Confirmed => "confirmed",
    AutoConfirmed => "auto_confirmed",
    Cancelled => "cancelled",
    AwaitingFollowup => "awaiting_followup",
    Completed => "completed",
    AwaitingReschedule => "awaiting_reschedule",
    Returned => "returned",
});

impl FlowState {
    /// True when no event can produce an action any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            FlowState::Cancelled | FlowState::Completed | FlowState::Returned
        )
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
                | FlowState::AwaitingReschedule
        )
    }
}
