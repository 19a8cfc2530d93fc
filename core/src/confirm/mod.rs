//! The confirmation flow of `CONTRACT.md` section 3 and its parts.
//!
//! - [`ConfirmationFlow`] (in `flow`): the sans-IO state machine, fed [`Event`]s, returning
//!   [`FlowAction`]s.
//! - [`issue_token`] / [`verify_token`] / [`TokenKey`]: the signed, expiring link tokens.
//! - [`reply_intent`]: what a customer's free-text reply means.
//! - [`render`], [`choose_lang`], [`default_template`]: the messages in Arabic, French, English.
//! - [`sms_segments`]: what an SMS costs.

pub mod flow;
mod intent;
mod sms;
mod templates;
mod token;

pub use flow::{
    CallResult, CancelReason, Channel, ConfirmationFlow, Event, FlowAction, FlowPolicy,
    FlowSnapshot, FlowState, LinkChoice, NotifyReason, OptOut, QuietHours,
};
pub use intent::{reply_intent, Intent, ReplyIntent};
pub use sms::{sms_encoding, sms_segments, SmsEncoding};
pub use templates::{
    choose_lang, default_template, format_total, names, render, template_text, Lang, MessageVars,
    TemplateOverrides,
};
pub use token::{issue_token, verify_token, TokenKey, TOKEN_LEN};
