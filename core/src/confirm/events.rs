//! The flow's wire types: the [`Event`]s a host feeds in, the [`FlowAction`]s it gets back and
//! the [`FlowState`] names it can read. Their serde form is the JSON of the contract (section 3)
//! and of `docs/contract.md`; every binding passes them through serde, so there is one spelling.

use serde::{Deserialize, Serialize};

use super::intent::Intent;
use super::templates::Lang;
use crate::error::{Error, ErrorKind};

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

    /// Checks what serde cannot: a time before 1970, `send_failed` on `call`, a `new_phone`
    /// reply without a phone.
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
            } => invalid("send_failed cannot name the call channel"),
            Event::Reply {
                intent: Intent::NewPhone,
                phone,
                ..
            } if phone.as_deref().is_none_or(|p| p.trim().is_empty()) => {
                invalid("a new_phone reply needs a phone")
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
