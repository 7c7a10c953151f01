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
//!
//! Every change of an endpoint's state is an operational event ([`event`]), decided here from
//! the health before and after an attempt's result or an owner's change:
//! - `endpoint.failing`: the failure streak reached one of the policy's warnings (a percent of
//!   its failing window), with when it will be disabled;
//! - `endpoint.disabled`: with the reason (`gone`, `failing_too_long`, `manual`);
//! - `endpoint.enabled`: its owner enabled it (or gave a sender-disabled endpoint a new URL);
//! - `endpoint.recovered`: a delivery ended a streak that had been warned of.
//!
//! Each event has a `key` naming what it is about (the warning and its streak's start; the
//! state), so a store that records it under the endpoint and its revision keeps one of each,
//! whichever of several senders reports it.

use serde::{Deserialize, Serialize};

use crate::delivery::EndpointReason;
use crate::health::{self, EndpointHealth, HealthPolicy, HealthState, REASON_MANUAL};

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

/// What changed in an endpoint's state: the operational event's type and facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
pub enum EventKind {
    /// `endpoint.failing`: the failure streak that began at `failingSinceMs` reached `percent`
    /// of the failing window; the endpoint is disabled at `disableAtMs` unless a delivery
    /// succeeds before.
    #[serde(rename = "endpoint.failing")]
    Failing {
        percent: u8,
        failing_since_ms: i64,
        disable_at_ms: i64,
        consecutive_failures: u32,
        last_failure_status: Option<u16>,
        at_ms: i64,
    },
    /// `endpoint.disabled`: nothing is matched or sent until it is enabled; `reason` is `gone`,
    /// `failing_too_long` or `manual`.
    #[serde(rename = "endpoint.disabled")]
    Disabled { reason: String, at_ms: i64 },
    /// `endpoint.enabled`: a disabled endpoint is enabled again (by its owner).
    #[serde(rename = "endpoint.enabled")]
    Enabled { at_ms: i64 },
    /// `endpoint.recovered`: a delivery ended the failure streak that began at
    /// `failingSinceMs`, after a warning about it.
    #[serde(rename = "endpoint.recovered")]
    Recovered { failing_since_ms: i64, at_ms: i64 },
}

/// An operational event: what changed, and `key`, what it is about (`failing.50.<streak start>`,
/// `disabled`, `enabled`, `recovered.<streak start>`). Within one revision of an endpoint, two
/// reports with the same key are one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    #[serde(flatten)]
    pub kind: EventKind,
    pub key: String,
}

impl Event {
    fn new(kind: EventKind) -> Self {
        let key = match &kind {
            EventKind::Failing {
                percent,
                failing_since_ms,
                ..
            } => format!("failing.{percent}.{failing_since_ms}"),
            EventKind::Disabled { .. } => "disabled".to_owned(),
            EventKind::Enabled { .. } => "enabled".to_owned(),
            EventKind::Recovered {
                failing_since_ms, ..
            } => format!("recovered.{failing_since_ms}"),
        };
        Event { kind, key }
    }
}

/// The operational event, if any, of an endpoint's health going from `before` to `after` at
/// `now_ms` under `policy` (whose window says when a warned-of endpoint will be disabled).
pub fn event(
    before: &EndpointHealth,
    after: &EndpointHealth,
    policy: &HealthPolicy,
    now_ms: i64,
) -> Option<Event> {
    let was = status(before);
    let is = status(after);
    let kind = match (&was, &is) {
        (Status::Enabled, Status::Disabled { reason, since_ms }) => EventKind::Disabled {
            reason: reason.clone(),
            at_ms: since_ms.unwrap_or(now_ms),
        },
        (Status::Disabled { .. }, Status::Enabled) => EventKind::Enabled { at_ms: now_ms },
        (Status::Disabled { .. }, Status::Disabled { .. }) => return None,
        (Status::Enabled, Status::Enabled) => {
            let since = after.first_failure_at_ms;
            if after.warned_percent > before.warned_percent {
                let failing_since_ms = since.unwrap_or(now_ms);
                EventKind::Failing {
                    percent: after.warned_percent,
                    failing_since_ms,
                    disable_at_ms: policy.disable_at(failing_since_ms).unwrap_or(i64::MAX),
                    consecutive_failures: after.consecutive_failures,
                    last_failure_status: after.last_failure_status,
                    at_ms: now_ms,
                }
            } else if before.warned_percent > 0
                && after.state == HealthState::Healthy
                && after.last_success_at_ms > before.last_success_at_ms
            {
                // A delivery, not a reset (a new URL resets the health without one).
                EventKind::Recovered {
                    failing_since_ms: before.first_failure_at_ms.unwrap_or(now_ms),
                    at_ms: now_ms,
                }
            } else {
                return None;
            }
        }
    };
    Some(Event::new(kind))
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
    /// The operational event of the change: `endpoint.disabled` (`manual`) or
    /// `endpoint.enabled`; `None` when the state stays as it was.
    pub event: Option<Event>,
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
    let event = if change.deleted {
        None
    } else {
        event(health, &next, &HealthPolicy::default(), now_ms)
    };
    Changed {
        event,
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
