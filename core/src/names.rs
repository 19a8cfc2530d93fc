//! The contract's names for its fieldless enums (`confirm`, `awaiting_sms`, `ar`, …), one way
//! for every binding to read and write them without going through serde.
//!
//! [`contract_names!`] gives an enum `ALL` (every value, in the contract's order), `as_str`
//! (the snake_case name, the same as its JSON form: `core/tests/names.rs` checks every value),
//! [`FromStr`](std::str::FromStr) and `Display`. A text that is none of the names is
//! [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) for every enum but
//! [`Outcome`](crate::Outcome), which is part of an order's history and so
//! [`ErrorKind::InvalidRecord`](crate::ErrorKind::InvalidRecord) (docs/contract.md, "Errors").

use crate::error::{Error, ErrorKind};

/// The value of `all` whose name is `text`, else an `kind` error listing the names (never the
/// text itself, which may be anything a caller passed).
pub(crate) fn parse_name<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    text: &str,
    what: &str,
    kind: ErrorKind,
) -> Result<T, Error> {
    all.iter()
        .copied()
        .find(|&v| name(v) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|&v| name(v)).collect();
            Error::new(
                kind,
                format!("unknown {what} name: expected one of {}", names.join(", ")),
            )
        })
}

/// Implements `ALL`, `as_str`, `FromStr` and `Display` for a fieldless enum from its
/// `Variant => "name"` list; with only `@parse`, `FromStr` and `Display` from an existing `ALL`
/// and `as_str`.
macro_rules! contract_names {
    ($ty:ident, $what:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            #[doc = concat!("Every ", $what, ", in the contract's order.")]
            pub const ALL: [$ty; [$($name),+].len()] = [$($ty::$variant),+];

            #[doc = concat!("The contract's snake_case name of the ", $what, " (its JSON form).")]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }
        }
        contract_names!(@parse $ty, $what);
    };
    (@parse $ty:ident, $what:literal) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::Error;

            #[doc = concat!("The ", $what, " named `s` ([`", stringify!($ty), "::as_str`]).")]
            ///
            /// # Errors
            /// [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) for any other text.
            fn from_str(s: &str) -> Result<$ty, $crate::Error> {
                $crate::names::parse_name(
                    &$ty::ALL,
                    $ty::as_str,
                    s,
                    $what,
                    $crate::ErrorKind::InvalidConfig,
                )
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
