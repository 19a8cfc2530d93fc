//! How a shop runs the confirmation flow: delays, channels, quiet hours, link and texts.

use serde::{Deserialize, Serialize};

use super::events::Channel;
use super::templates::{check_template, names, Always, Lang, TemplateOverrides};
use crate::error::{Error, ErrorKind};

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
    /// A fixed message language; `null` chooses per order (see [`choose_lang`](super::choose_lang)).
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
    /// After a failed delivery, the WhatsApp reminder of the `reschedule` SMS, seconds after
    /// the failure (default 2 h).
    pub reschedule_whatsapp_after: i64,
    /// After a failed delivery, how long the customer has to pick a new window before customer
    /// service is told (`delivery_failed_no_answer`), seconds (default 24 h).
    pub reschedule_answer_within: i64,
    /// How many times a customer may pick a new window; the next failed delivery goes to
    /// customer service (`delivery_failed_again`) instead (default 2).
    pub max_reschedules: u32,
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
            reschedule_whatsapp_after: 2 * 3600,
            reschedule_answer_within: 24 * 3600,
            max_reschedules: 2,
        }
    }
}

impl FlowPolicy {
    /// Checks the policy.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a negative delay, steps out of order
    /// (WhatsApp <= email <= call < cancel; after a failed delivery, WhatsApp < answer time), no
    /// call attempt, a non-positive link validity,
    /// quiet hours outside the day, a `call` follow-up channel, or a template override that
    /// names no template of the flow or could show an absent value (a `{total}` outside a
    /// `{#total}` section; docs/flow.md lists the placeholders and sections).
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
        if !(0 <= self.reschedule_whatsapp_after
            && self.reschedule_whatsapp_after < self.reschedule_answer_within)
        {
            return bad("the reschedule steps must come in order: 0 <= whatsapp < answer_within");
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
        self.validate_templates()?;
        if let Some(q) = self.quiet_hours {
            if q.start_minute >= 1440 || q.end_minute >= 1440 || q.utc_offset_minutes.abs() >= 1440
            {
                return bad("quiet_hours must lie within a day");
            }
        }
        Ok(())
    }

    /// Every override names a template of the flow and can never show an absent value.
    fn validate_templates(&self) -> Result<(), Error> {
        for (name, texts) in &self.templates {
            let bad = |m: String| Err(Error::new(ErrorKind::InvalidConfig, m));
            if !names::ALL.contains(&name.as_str()) {
                return bad(format!("templates: {name:?} is not a template of the flow"));
            }
            let always = Always {
                link: names::carries_link(name),
                shop: !self.shop_name.trim().is_empty(),
            };
            for (lang, text) in texts {
                if let Err(why) = check_template(text, always) {
                    return bad(format!("templates.{name}.{}: {why}", lang.as_str()));
                }
            }
        }
        Ok(())
    }
}
