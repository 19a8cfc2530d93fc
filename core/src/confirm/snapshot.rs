//! What a flow knows ([`FlowData`]) and the form it is stored in between events
//! ([`FlowSnapshot`]).
//!
//! The machine (`flow.rs`) owns the meaning of these fields; this module owns their stored form
//! and its version, so that the format can change in one place.

use serde::{Deserialize, Serialize};

use super::events::{Channel, DeliveryFailure, FlowState};
use super::policy::FlowPolicy;
use super::templates::Lang;
use crate::assessment::Action;
use crate::error::{Error, ErrorKind};

/// Everything a flow knows; the body of a [`FlowSnapshot`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(default)]
    pub(super) address_needed: bool,
    /// The failed delivery being rescheduled.
    #[serde(default)]
    pub(super) failure: Option<DeliveryFailure>,
    /// New windows the customer has picked after failed deliveries.
    #[serde(default)]
    pub(super) reschedules: u32,
}

/// A flow's whole state, for the host's database. Versioned; restore with
/// [`ConfirmationFlow::restore`](super::ConfirmationFlow::restore). The secret is not in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowSnapshot {
    /// Format version (currently 1).
    pub version: u32,
    data: FlowData,
}

const SNAPSHOT_VERSION: u32 = 1;

impl FlowSnapshot {
    /// The snapshot of `data`, in the current format.
    pub(super) fn of(data: &FlowData) -> FlowSnapshot {
        FlowSnapshot {
            version: SNAPSHOT_VERSION,
            data: data.clone(),
        }
    }

    /// The flow's data, once the format is known and its policy valid. The machine checks
    /// the rest (its position in its plan).
    ///
    /// # Errors
    /// [`ErrorKind::SnapshotVersion`] for an unknown version, [`ErrorKind::SnapshotCorrupt`]
    /// for an invalid policy or an empty order id.
    pub(super) fn into_data(self) -> Result<FlowData, Error> {
        if self.version != SNAPSHOT_VERSION {
            return Err(Error::new(
                ErrorKind::SnapshotVersion,
                format!("snapshot version {} is not supported", self.version),
            ));
        }
        let corrupt = |m: &str| Error::new(ErrorKind::SnapshotCorrupt, m.to_owned());
        self.data
            .policy
            .validate()
            .map_err(|_| corrupt("the snapshot's policy is invalid"))?;
        if self.data.order_id.trim().is_empty() {
            return Err(corrupt("the snapshot's order id is empty"));
        }
        Ok(self.data)
    }
}
