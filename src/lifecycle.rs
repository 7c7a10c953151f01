//! An endpoint's lifecycle: the one state it is in, and what its owner's changes do to it
//! (sender side).
//!
//! An endpoint's state lives in its stored health ([`EndpointHealth`]): it is enabled, or it is
//! disabled with a reason: `"manual"` (its owner disabled it), `"gone"` (the receiver answered
//! 410) or `"failing_too_long"` (the health policy's failing window passed without a delivery).
//! The sender's own transitions happen during attempts ([`crate::health::record`]); this module
//! decides what an owner's change means ([`owner_change`]): for the state, for the health, and
//! for the deliveries still pending to the endpoint. A store keeps what it returns.
//!
//! The rules:
//! - disabling ends the endpoint's pending deliveries (cancelled, `endpoint_disabled`), and no
//!   new event is matched to it; an endpoint already disabled keeps its first reason;
//! - enabling a disabled endpoint resets its health (a clean failure streak, a closed circuit;
//!   the history of its last success and failure is kept);
//! - a new URL is a new receiver: unless its owner disabled it, the endpoint is enabled with a
//!   reset health (a 410 or a failing window of the old URL says nothing of the new one);
//! - deleting ends its pending deliveries (cancelled, `endpoint_gone`).

use serde::{Deserialize, Serialize};

use crate::delivery::EndpointReason;
use crate::health::{self, EndpointHealth, HealthState, REASON_MANUAL};

/// The one state an endpoint is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Status {
    /// `{ "state": "enabled" }`: events are matched to it and sent.
    Enabled,
    /// `{ "state": "disabled", "reason": "gone", "sinceMs": ... }`: nothing is matched or sent
    /// until it is enabled again.
    Disabled {
        reason: String,
        #[serde(default)]
        since_ms: Option<i64>,
    },
}

impl Status {
    /// Whether events are matched to the endpoint and sent.
    pub fn is_enabled(&self) -> bool {
        matches!(self, Status::Enabled)
    }
}

/// The state the stored health says the endpoint is in.
pub fn status(health: &EndpointHealth) -> Status {
    match health.state {
        HealthState::Disabled => Status::Disabled {
            reason: health
                .disabled_reason
                .clone()
                .unwrap_or_else(|| REASON_MANUAL.to_owned()),
            since_ms: health.disabled_at_ms,
        },
        HealthState::Healthy | HealthState::Failing => Status::Enabled,
    }
}

/// What an endpoint's owner changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Change {
    /// `true` to enable, `false` to disable, absent to leave as it is.
    pub enabled: Option<bool>,
    /// The endpoint's URL changed.
    pub url_changed: bool,
    /// The endpoint is being deleted.
    pub deleted: bool,
}

/// What a [`Change`] does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Changed {
    /// The health to store.
    pub health: EndpointHealth,
    /// The state it puts the endpoint in.
    pub status: Status,
    /// `status.is_enabled()`: whether new events are matched to the endpoint.
    pub enabled: bool,
    /// Whether the health was reset or the state changed: attempts begun under the old state
    /// must not write their health over this one.
    pub renewed: bool,
    /// End the endpoint's pending deliveries (cancelled) for this reason, or `None` to leave
    /// them.
    pub cancel_pending: Option<EndpointReason>,
}

/// What `change` does to an endpoint whose stored health is `health`, at `now_ms`.
pub fn owner_change(health: &EndpointHealth, change: &Change, now_ms: i64) -> Changed {
    let before = status(health);
    let manual = matches!(&before, Status::Disabled { reason, .. } if reason == REASON_MANUAL);
    let next = if change.deleted {
        health.clone()
    } else if change.enabled == Some(false) {
        // `disable` refuses only a malformed reason; REASON_MANUAL is well formed.
        health::disable(health, REASON_MANUAL, now_ms).unwrap_or_else(|_| health.clone())
    } else if (change.enabled == Some(true) && !before.is_enabled())
        || (change.url_changed && !manual)
    {
        health::enable(health)
    } else {
        health.clone()
    };
    let after = status(&next);
    let cancel_pending = if change.deleted {
        Some(EndpointReason::EndpointGone)
    } else if !after.is_enabled() {
        Some(EndpointReason::EndpointDisabled)
    } else {
        None
    };
    Changed {
        renewed: next != *health,
        enabled: after.is_enabled(),
        status: after,
        health: next,
        cancel_pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{record, AttemptResult, HealthPolicy, REASON_GONE};

    fn gone() -> EndpointHealth {
        record(
            &EndpointHealth::default(),
            &HealthPolicy::default(),
            &AttemptResult::Gone,
            1_000,
        )
    }

    #[test]
    fn enabling_a_gone_endpoint_resets_it() {
        let h = gone();
        assert_eq!(
            status(&h),
            Status::Disabled {
                reason: REASON_GONE.to_owned(),
                since_ms: Some(1_000)
            }
        );
        let c = owner_change(
            &h,
            &Change {
                enabled: Some(true),
                ..Change::default()
            },
            2_000,
        );
        assert!(c.enabled && c.renewed && c.cancel_pending.is_none());
        assert_eq!(c.health.consecutive_failures, 0);
        assert_eq!(c.health.last_failure_status, Some(410), "history kept");
    }

    #[test]
    fn a_new_url_revives_what_the_sender_disabled_but_not_what_the_owner_did() {
        let url = Change {
            url_changed: true,
            ..Change::default()
        };
        assert!(owner_change(&gone(), &url, 2_000).enabled);
        let off = owner_change(
            &EndpointHealth::default(),
            &Change {
                enabled: Some(false),
                ..Change::default()
            },
            2_000,
        );
        assert!(!off.enabled && off.renewed);
        assert_eq!(off.cancel_pending, Some(EndpointReason::EndpointDisabled));
        let still = owner_change(&off.health, &url, 3_000);
        assert!(!still.enabled && !still.renewed);
    }

    #[test]
    fn deleting_cancels_and_a_no_op_renews_nothing() {
        let d = owner_change(
            &EndpointHealth::default(),
            &Change {
                deleted: true,
                ..Change::default()
            },
            1,
        );
        assert_eq!(d.cancel_pending, Some(EndpointReason::EndpointGone));
        let same = owner_change(
            &EndpointHealth::default(),
            &Change {
                enabled: Some(true),
                ..Change::default()
            },
            1,
        );
        assert!(same.enabled && !same.renewed && same.cancel_pending.is_none());
    }
}
