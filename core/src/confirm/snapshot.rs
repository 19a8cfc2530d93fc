//! What a flow knows ([`FlowData`]) and the form it is stored in between events
//! ([`FlowSnapshot`]).
//!
//! The machine (`flow.rs`) owns the meaning of these fields; this module owns their stored form
//! and its version, so that the format can change in one place. The form is sealed
//! (`seal.rs`): an HMAC under the shop's secret over the exact JSON, so a row edited in the
//! shop's database is refused as well as a damaged one, and so is a key this version does not
//! know.

use serde::{Deserialize, Serialize};

use super::events::{Channel, DeliveryFailure, FlowState};
use super::policy::FlowPolicy;
use super::seal::{Format, Sealed};
use super::templates::Lang;
use super::token::TokenKey;
use crate::assessment::Action;
use crate::error::{Error, ErrorKind};

/// Everything a flow knows; the body of a [`FlowSnapshot`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FlowData {
    pub(super) order_id: String,
    pub(super) country: String,
    pub(super) name: String,
    pub(super) email: Option<String>,
    pub(super) total: f64,
    pub(super) currency: String,
    pub(super) lang: Lang,
    pub(super) placed_at: i64,
    pub(super) action: Action,
    pub(super) policy: FlowPolicy,
    pub(super) state: FlowState,
    pub(super) phone: Option<String>,
    pub(super) phone_bad: bool,
    /// Start of the current run, moved by quiet-hour delays.
    pub(super) base: i64,
    /// Index of the current step in the plan.
    pub(super) pos: usize,
    /// A message of the current step waiting for the end of quiet hours.
    pub(super) send_at: Option<i64>,
    /// The current step's message went out (a `send_failed` for it is meaningful).
    pub(super) sent: bool,
    pub(super) attempts: u32,
    /// Time of the latest event, to ignore out-of-order ones.
    pub(super) now: Option<i64>,
    pub(super) link_expires_at: i64,
    pub(super) followup_at: Option<i64>,
    pub(super) followup_channel: Option<Channel>,
    /// The link page must ask for a delivery address: the order had none, or the courier
    /// reported an address problem, and none was given since.
    pub(super) address_needed: bool,
    /// The failed delivery being rescheduled.
    pub(super) failure: Option<DeliveryFailure>,
    /// New windows the customer has picked after failed deliveries.
    pub(super) reschedules: u32,
    /// The flow's nonce (base64url): its links are bound to it, so no other flow's link, even
    /// one for the same order id, passes here.
    pub(super) nonce: String,
    /// The current link's epoch: a new one with each run (start, new number, failed delivery).
    pub(super) epoch: u32,
    /// A message with the current epoch's link went out.
    pub(super) link_sent: bool,
}

/// A flow's whole state, sealed for the host's database: `{"version": 2, "state": "<JSON>",
/// "tag": "<HMAC>"}`. Restore with
/// [`ConfirmationFlow::restore`](super::ConfirmationFlow::restore) and the same secret; the
/// secret is not in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FlowSnapshot(Sealed);

impl FlowSnapshot {
    /// The format version (currently 2; version 1 was not sealed and is refused).
    pub fn version(&self) -> u32 {
        self.0.version
    }

    /// The snapshot of `data`, sealed under `key`.
    pub(super) fn of(data: &FlowData, key: &TokenKey) -> FlowSnapshot {
        FlowSnapshot(FORMAT.seal(key, data))
    }

    /// The flow's data, once the version is known, the tag holds and the policy is valid. The
    /// machine checks the rest (its position in its plan).
    ///
    /// # Errors
    /// [`ErrorKind::SnapshotVersion`] for another version, [`ErrorKind::SnapshotCorrupt`] for
    /// a tag that does not hold (changed, damaged, or another secret), unknown keys, an invalid
    /// policy, an empty order id or a nonce that is not one.
    pub(super) fn open(&self, key: &TokenKey) -> Result<FlowData, Error> {
        let data: FlowData = FORMAT.open(key, &self.0)?;
        let corrupt = |m: &str| Error::new(ErrorKind::SnapshotCorrupt, m.to_owned());
        data.policy
            .validate()
            .map_err(|_| corrupt("the snapshot's policy is invalid"))?;
        if data.order_id.trim().is_empty() {
            return Err(corrupt("the snapshot's order id is empty"));
        }
        Ok(data)
    }
}

/// The flow snapshot format (`CHANGELOG.md` keeps its history): 2 is sealed; 1 was not.
const SNAPSHOT_VERSION: u32 = 2;

const FORMAT: Format = Format {
    domain: b"codguard/flow-snapshot/v2",
    version: SNAPSHOT_VERSION,
    what: "flow",
};
