//! The contract's names of every fieldless enum: `as_str` is the JSON form for every value,
//! `FromStr` reads it back, and any other text is `invalid_config` (an outcome's is
//! `invalid_record`) with a message that lists the names and never repeats the text.

use std::fmt::Display;
use std::str::FromStr;

use codguard::assessment::{Action, CustomerClass, Evidence, ReasonCode};
use codguard::confirm::{
    CallResult, CancelReason, Channel, DeliveryFailure, DenyReason, FlowState, Intent, Lang,
    LinkChoice, NotifyReason, Slot, SmsEncoding,
};
use codguard::normalize::{FakeEmailReason, PhoneType};
use codguard::{ErrorKind, Outcome};
use serde::Serialize;

/// Checks every value of one enum; returns how many.
fn check<T>(all: &[T], name: fn(T) -> &'static str, bad_kind: ErrorKind) -> usize
where
    T: Copy + PartialEq + std::fmt::Debug + Serialize + FromStr<Err = codguard::Error> + Display,
{
    for &value in all {
        let text = name(value);
        assert_eq!(serde_json::to_value(value).unwrap(), text, "{value:?}");
        assert_eq!(T::from_str(text).unwrap(), value, "{text}");
        assert_eq!(value.to_string(), text);
        for wrong in [
            text.to_uppercase(),
            text.replace('_', "-"),
            format!(" {text}"),
            format!("{text}\u{200f}"),
        ] {
            if wrong != text {
                let err = T::from_str(&wrong).unwrap_err();
                assert_eq!(err.kind(), bad_kind, "{wrong:?}");
            }
        }
    }
    let secret = "+212696030620";
    let err = T::from_str(secret).unwrap_err();
    assert_eq!(err.kind(), bad_kind);
    assert!(!err.message().contains(secret), "{}", err.message());
    assert!(err.message().contains(name(all[0])), "{}", err.message());
    assert_eq!(T::from_str("").unwrap_err().kind(), bad_kind);
    all.len()
}

#[test]
fn every_contract_name_round_trips() {
    let config = ErrorKind::InvalidConfig;
    let mut values = 0;
    values += check(&Action::ALL, Action::as_str, config);
    values += check(&CustomerClass::ALL, CustomerClass::as_str, config);
    values += check(&ReasonCode::ALL, ReasonCode::as_str, config);
    values += check(&Evidence::ALL, Evidence::as_str, config);
    values += check(&Lang::ALL, Lang::as_str, config);
    values += check(&Channel::ALL, Channel::as_str, config);
    values += check(&CallResult::ALL, CallResult::as_str, config);
    values += check(&LinkChoice::ALL, LinkChoice::as_str, config);
    values += check(&Slot::ALL, Slot::as_str, config);
    values += check(&DenyReason::ALL, DenyReason::as_str, config);
    values += check(&DeliveryFailure::ALL, DeliveryFailure::as_str, config);
    values += check(&CancelReason::ALL, CancelReason::as_str, config);
    values += check(&NotifyReason::ALL, NotifyReason::as_str, config);
    values += check(&FlowState::ALL, FlowState::as_str, config);
    values += check(&Intent::ALL, Intent::as_str, config);
    values += check(&SmsEncoding::ALL, SmsEncoding::as_str, config);
    values += check(&PhoneType::ALL, PhoneType::as_str, config);
    values += check(&FakeEmailReason::ALL, FakeEmailReason::as_str, config);
    values += check(&Outcome::ALL, Outcome::as_str, ErrorKind::InvalidRecord);
    assert_eq!(values, 104);
}

#[test]
fn a_bad_action_name_is_a_bad_setting() {
    let err = "Confirm".parse::<Action>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert_eq!(
        err.message(),
        "unknown action name: expected one of auto_confirm, confirm, review, \
         require_prepayment, reject"
    );
    assert_eq!(
        "auto_confirm".parse::<Action>().unwrap(),
        Action::AutoConfirm
    );
}
