//! The confirmation flow (tmp)
pub mod intent;
pub mod sms;
pub mod templates;
pub mod token;
pub use intent::{reply_intent, Intent, ReplyIntent};
pub use sms::{sms_encoding, sms_segments, SmsEncoding};
pub use templates::{
    choose_lang, default_template, format_total, render, template_text, Lang, MessageVars,
    TemplateOverrides,
};
pub use token::{issue_token, verify_token, TokenKey, TOKEN_LEN};
