//! The confirmation flow of the contract (`docs/contract.md`; in detail `docs/flow.md`) and its
//! parts.
//!
//! - [`ConfirmationFlow`] (in `flow`): the sans-IO state machine, fed [`Event`]s, returning
//!   [`FlowAction`]s (the wire types are in `events`, the shop's settings [`FlowPolicy`] in
//!   `policy`, the stored form [`FlowSnapshot`] in `snapshot`).
//! - [`issue_token`] / [`verify_token`] / [`TokenKey`]: signed, expiring order tokens for a
//!   shop's own links (a flow's links are also bound to the flow: see [`ConfirmationFlow`]).
//! - [`reply_intent`]: what a customer's free-text reply means.
//! - [`choose_lang`], [`default_template`]: the messages in Arabic, French, English.
//! - [`sms_segments`]: what an SMS costs.
//! - [`SendGuard`]: the check before each paid message, against SMS pumping.

mod event_wire;
mod events;
pub mod flow;
mod guard;
mod intent;
mod policy;
mod seal;
mod sms;
mod snapshot;
mod templates;
mod token;

pub use events::{
    CallResult, CancelReason, Channel, DeliveryFailure, DeliveryWindow, DenyReason, Event,
    FlowAction, FlowState, LinkChoice, NotifyReason, Slot, MAX_ADDRESS_CHARS,
};
pub use flow::ConfirmationFlow;
pub use guard::{GuardPolicy, GuardSnapshot, SendGuard};
pub use intent::{reply_intent, Intent, ReplyIntent};
pub use policy::{FlowPolicy, OptOut, QuietHours};
pub use sms::{sms_encoding, sms_segments, SmsEncoding};
pub use snapshot::FlowSnapshot;
pub use templates::{
    choose_lang, default_template, format_total, names, Lang, TemplateOverrides,
    CURRENCY_MAX_CHARS, NAME_MAX_CHARS, ORDER_ID_MAX_CHARS, SHOP_MAX_CHARS,
};
pub use token::{issue_token, verify_token, TokenKey, TOKEN_LEN};
