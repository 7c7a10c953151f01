//! Endpoint health and circuit breaker as plain, serializable state (sender side).
//!
//! The state of one endpoint is an [`EndpointHealth`]: JSON the caller stores where it likes (KV,
//! D1, Redis, a column). After every delivery attempt, [`record`] takes the stored state, the
//! policy, what happened and the time, and returns the state to store back. Before an attempt,
//! [`admission`] says whether to send. Nothing here reads a clock: every function takes `now_ms`,
//! unix milliseconds.
//!
//! The rules:
//! - a delivery resets the failure streak and closes the circuit;
//! - `410 Gone` disables the endpoint (reason `"gone"`): the receiver said it no longer exists;
//! - a failure streak that has lasted `disableAfterMs` or more (from its first failure to the
//!   failure being recorded, default 5 days) disables the endpoint (reason `"failing_too_long"`);
//! - before that, a failure that makes the streak reach one of `warnAtPercent` of that window
//!   (default 50, 70 and 90 %) is a warning: `warnedPercent` keeps the highest reached, so each
//!   is given once per streak (several passed at once give the highest), and a delivery or
//!   [`enable`] clears it ([`crate::lifecycle::event`] turns these changes into events);
//! - with a circuit breaker, `failureThreshold` failures in a row within `windowMs` open the
//!   circuit: attempts are denied for `cooloffMs`, then one probe is allowed; its success closes
//!   the circuit, its failure opens it again for another `cooloffMs`;
//! - a disabled endpoint stays disabled, whatever is recorded, until [`enable`] is called.
//!
//! Times are compared as given. An interval that comes out negative because the clock went
//! backwards counts as zero, so a step back can delay a probe or an auto-disable, never hasten
//! one, and never fails.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Five days, the default `disableAfterMs`.
pub const DEFAULT_DISABLE_AFTER_MS: i64 = 432_000_000;
/// The largest `failureThreshold`; it also bounds the failure times kept in the state.
pub const MAX_FAILURE_THRESHOLD: u32 = 1000;
/// The default `warnAtPercent`: warnings at half, 70 % and 90 % of `disableAfterMs`.
pub const DEFAULT_WARN_AT_PERCENT: [u8; 3] = [50, 70, 90];
/// The most warnings a policy may ask for.
pub const MAX_WARNINGS: usize = 10;

/// `disabledReason` when the endpoint answered `410 Gone`.
pub const REASON_GONE: &str = "gone";
/// `disabledReason` when failures went on for `disableAfterMs` without a delivery.
pub const REASON_FAILING_TOO_LONG: &str = "failing_too_long";
/// The `disabledReason` suggested for [`disable`] by a person or an API call.
pub const REASON_MANUAL: &str = "manual";

/// How an endpoint is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HealthState {
    /// The last attempt was delivered, or none was made yet.
    #[default]
    Healthy,
    /// One or more attempts in a row failed.
    Failing,
    /// No more attempts until [`enable`]; `disabledReason` says why.
    Disabled,
}

/// The circuit breaker's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CircuitState {
    /// Attempts flow.
    #[default]
    Closed,
    /// Attempts are denied until `openedAtMs + cooloffMs`; after that one probe is allowed.
    Open,
    /// A probe is in flight (see [`begin_probe`]); other attempts wait for its result.
    HalfOpen,
}

/// The circuit breaker's part of the state. Stays closed and empty when the policy has none.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Circuit {
    pub state: CircuitState,
    /// When the circuit last opened.
    pub opened_at_ms: Option<i64>,
    /// When the probe in flight was let through (half-open only).
    pub probe_started_at_ms: Option<i64>,
    /// The times of the current run of failures that fall within `windowMs`, oldest first; at
    /// most `failureThreshold` of them.
    pub recent_failures_ms: Vec<i64>,
}

/// The stored health of one endpoint. `EndpointHealth::default()` (or `{}` in JSON) is a new,
/// healthy endpoint; fields missing from stored JSON take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointHealth {
    pub state: HealthState,
    /// Failed attempts since the last delivery (saturates, never wraps).
    pub consecutive_failures: u32,
    /// When the current failure streak started; `null` when there is none.
    pub first_failure_at_ms: Option<i64>,
    /// When the last failure was recorded (kept after a delivery, as history).
    pub last_failure_at_ms: Option<i64>,
    /// The HTTP status of the last failure; `null` for a network error or timeout.
    pub last_failure_status: Option<u16>,
    /// When the last delivery succeeded.
    pub last_success_at_ms: Option<i64>,
    /// Why the endpoint is disabled: `"gone"`, `"failing_too_long"`, or the reason given to
    /// [`disable`] (`"manual"`, ...).
    pub disabled_reason: Option<String>,
    /// When it was disabled.
    pub disabled_at_ms: Option<i64>,
    /// The highest of the policy's `warnAtPercent` the current failure streak has reached, 0 when
    /// none: each warning is given once per streak.
    pub warned_percent: u8,
    pub circuit: Circuit,
}

/// When to disable an endpoint and whether to use a circuit breaker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthPolicy {
    /// Disable an endpoint whose failure streak has lasted this long. Default 5 days; `null`
    /// never disables for failures (410 still disables).
    #[serde(default = "default_disable_after")]
    pub disable_after_ms: Option<i64>,
    /// Default none: attempts are never denied for recent failures.
    #[serde(default)]
    pub circuit_breaker: Option<CircuitBreakerPolicy>,
    /// Warn when a failure streak reaches these percents of `disableAfterMs` (whole numbers from
    /// 1 to 99, increasing, at most 10); default `[50, 70, 90]`, `[]` for no warnings. Nothing is
    /// warned of without a `disableAfterMs`.
    #[serde(default = "default_warn_at")]
    pub warn_at_percent: Vec<u8>,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        HealthPolicy {
            disable_after_ms: default_disable_after(),
            circuit_breaker: None,
            warn_at_percent: default_warn_at(),
        }
    }
}

fn default_disable_after() -> Option<i64> {
    Some(DEFAULT_DISABLE_AFTER_MS)
}

fn default_warn_at() -> Vec<u8> {
    DEFAULT_WARN_AT_PERCENT.to_vec()
}

/// Open the circuit after `failureThreshold` failures in a row within `windowMs`; let one probe
/// through after `cooloffMs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CircuitBreakerPolicy {
    /// Default 5; 1 to 1000.
    #[serde(default = "default_threshold")]
    pub failure_threshold: u32,
    /// Default 60,000 (one minute); positive.
    #[serde(default = "default_window")]
    pub window_ms: i64,
    /// Default 60,000 (one minute); zero or more. Also how long a probe may stay unanswered
    /// before another is allowed.
    #[serde(default = "default_cooloff")]
    pub cooloff_ms: i64,
}

impl Default for CircuitBreakerPolicy {
    fn default() -> Self {
        CircuitBreakerPolicy {
            failure_threshold: default_threshold(),
            window_ms: default_window(),
            cooloff_ms: default_cooloff(),
        }
    }
}

fn default_threshold() -> u32 {
    5
}

fn default_window() -> i64 {
    60_000
}

fn default_cooloff() -> i64 {
    60_000
}

impl HealthPolicy {
    /// Check the numbers. [`record`] and [`admission`] never fail: given a policy that does not
    /// pass this check, they use the nearest valid value. Call this once when loading a policy.
    pub fn validate(&self) -> Result<(), Error> {
        if self.disable_after_ms.is_some_and(|d| d <= 0) {
            return Err(Error::InvalidPolicy {
                reason: "disableAfterMs must be positive, or null to never disable for failures",
            });
        }
        let increasing = self.warn_at_percent.windows(2).all(|w| match w {
            [a, b] => a < b,
            _ => true,
        });
        if self.warn_at_percent.len() > MAX_WARNINGS
            || !increasing
            || self.warn_at_percent.iter().any(|p| !(1..=99).contains(p))
        {
            return Err(Error::InvalidPolicy {
                reason: "warnAtPercent must be increasing whole numbers from 1 to 99, at most 10",
            });
        }
        if let Some(cb) = &self.circuit_breaker {
            if cb.failure_threshold == 0 || cb.failure_threshold > MAX_FAILURE_THRESHOLD {
                return Err(Error::InvalidPolicy {
                    reason: "circuitBreaker.failureThreshold must be 1 to 1000",
                });
            }
            if cb.window_ms <= 0 {
                return Err(Error::InvalidPolicy {
                    reason: "circuitBreaker.windowMs must be positive",
                });
            }
            if cb.cooloff_ms < 0 {
                return Err(Error::InvalidPolicy {
                    reason: "circuitBreaker.cooloffMs must not be negative",
                });
            }
        }
        Ok(())
    }

    fn disable_after(&self) -> Option<i64> {
        self.disable_after_ms.map(|d| d.max(1))
    }

    /// When a streak that began at `since_ms` disables the endpoint, if the policy disables.
    pub fn disable_at(&self, since_ms: i64) -> Option<i64> {
        self.disable_after().map(|d| since_ms.saturating_add(d))
    }

    /// The highest warning a streak of `streak_ms` has reached (0: none).
    fn warning(&self, streak_ms: i64) -> u8 {
        let Some(window) = self.disable_after() else {
            return 0;
        };
        // Whole percents of the window, rounded down; an i128 cannot overflow on 100 x i64.
        let reached = i128::from(streak_ms)
            .saturating_mul(100)
            .checked_div(i128::from(window))
            .unwrap_or(0);
        self.warn_at_percent
            .iter()
            .copied()
            .filter(|p| i128::from(*p) <= reached && (1..=99).contains(p))
            .max()
            .unwrap_or(0)
    }
}

impl CircuitBreakerPolicy {
    fn threshold(&self) -> usize {
        let t = self.failure_threshold.clamp(1, MAX_FAILURE_THRESHOLD);
        usize::try_from(t).unwrap_or(1)
    }

    fn window(&self) -> i64 {
        self.window_ms.max(1)
    }

    fn cooloff(&self) -> i64 {
        self.cooloff_ms.max(0)
    }
}

/// What happened to one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AttemptResult {
    /// The endpoint accepted the delivery (2xx).
    Delivered,
    /// The attempt failed: an HTTP status, or `null` for a network error or timeout. A status of
    /// 410 counts as [`AttemptResult::Gone`].
    Failed {
        #[serde(default)]
        status: Option<u16>,
    },
    /// The endpoint answered `410 Gone`.
    Gone,
}

/// Whether to attempt a delivery now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Admission {
    /// Send.
    Allow,
    /// The circuit's cool-off is over: send one attempt to test the endpoint. To keep it to one
    /// when several workers share the state, store [`begin_probe`]'s result before sending.
    Probe,
    /// The circuit is open: do not send before `untilMs`.
    Deny { until_ms: i64 },
    /// The endpoint is disabled: do not send until it is enabled again.
    Disabled { reason: String },
}

/// `to - from`, or zero when the clock went backwards.
fn elapsed(from: i64, to: i64) -> i64 {
    to.saturating_sub(from).max(0)
}

/// The state after an attempt's `result` at `now_ms`, to store back. A disabled endpoint is
/// returned as it was (stored failure times are still cut to `failureThreshold`).
pub fn record(
    state: &EndpointHealth,
    policy: &HealthPolicy,
    result: &AttemptResult,
    now_ms: i64,
) -> EndpointHealth {
    let mut next = state.clone();
    if next.state != HealthState::Disabled {
        match result {
            AttemptResult::Delivered => {
                next.state = HealthState::Healthy;
                next.consecutive_failures = 0;
                next.first_failure_at_ms = None;
                next.last_success_at_ms = Some(now_ms);
                next.warned_percent = 0;
                next.circuit = Circuit::default();
            }
            AttemptResult::Gone | AttemptResult::Failed { status: Some(410) } => {
                count_failure(&mut next, Some(410), now_ms);
                set_disabled(&mut next, REASON_GONE, now_ms);
            }
            AttemptResult::Failed { status } => {
                count_failure(&mut next, *status, now_ms);
                let streak = next
                    .first_failure_at_ms
                    .map_or(0, |first| elapsed(first, now_ms));
                if policy.disable_after().is_some_and(|d| streak >= d) {
                    set_disabled(&mut next, REASON_FAILING_TOO_LONG, now_ms);
                } else {
                    next.warned_percent = next.warned_percent.max(policy.warning(streak));
                    if let Some(cb) = &policy.circuit_breaker {
                        circuit_failure(&mut next.circuit, cb, now_ms);
                    }
                }
            }
        }
    }
    bound_circuit(&mut next.circuit, policy);
    next
}

fn count_failure(h: &mut EndpointHealth, status: Option<u16>, now_ms: i64) {
    h.state = HealthState::Failing;
    h.consecutive_failures = h.consecutive_failures.saturating_add(1);
    h.first_failure_at_ms.get_or_insert(now_ms);
    h.last_failure_at_ms = Some(now_ms);
    h.last_failure_status = status;
}

fn set_disabled(h: &mut EndpointHealth, reason: &str, now_ms: i64) {
    h.state = HealthState::Disabled;
    h.disabled_reason = Some(reason.to_owned());
    h.disabled_at_ms = Some(now_ms);
}

fn circuit_failure(c: &mut Circuit, cb: &CircuitBreakerPolicy, now_ms: i64) {
    let window = cb.window();
    c.recent_failures_ms.push(now_ms);
    c.recent_failures_ms
        .retain(|&t| elapsed(t, now_ms) < window);
    keep_last(&mut c.recent_failures_ms, cb.threshold());
    let reopen = match c.state {
        CircuitState::Closed => c.recent_failures_ms.len() >= cb.threshold(),
        // the probe failed
        CircuitState::HalfOpen => true,
        // a probe sent without begin_probe failed: open again; an attempt that was already in
        // flight when the circuit opened changes nothing
        CircuitState::Open => match c.opened_at_ms {
            Some(opened) => elapsed(opened, now_ms) >= cb.cooloff(),
            None => true,
        },
    };
    if reopen {
        c.state = CircuitState::Open;
        c.opened_at_ms = Some(now_ms);
        c.probe_started_at_ms = None;
    }
}

fn keep_last(v: &mut Vec<i64>, n: usize) {
    let excess = v.len().saturating_sub(n);
    if excess > 0 {
        v.drain(..excess);
    }
}

/// Keep the stored failure times bounded whatever was stored, and the circuit closed and empty
/// when the policy has no breaker.
fn bound_circuit(c: &mut Circuit, policy: &HealthPolicy) {
    match &policy.circuit_breaker {
        Some(cb) => keep_last(&mut c.recent_failures_ms, cb.threshold()),
        None => *c = Circuit::default(),
    }
}

/// Whether to attempt a delivery to this endpoint at `now_ms`.
pub fn admission(state: &EndpointHealth, policy: &HealthPolicy, now_ms: i64) -> Admission {
    if state.state == HealthState::Disabled {
        return Admission::Disabled {
            reason: state
                .disabled_reason
                .clone()
                .unwrap_or_else(|| REASON_MANUAL.to_owned()),
        };
    }
    let Some(cb) = &policy.circuit_breaker else {
        return Admission::Allow;
    };
    let since = match state.circuit.state {
        CircuitState::Closed => return Admission::Allow,
        CircuitState::Open => state.circuit.opened_at_ms,
        CircuitState::HalfOpen => state.circuit.probe_started_at_ms,
    };
    let cooloff = cb.cooloff();
    match since {
        Some(t) if elapsed(t, now_ms) < cooloff => Admission::Deny {
            until_ms: t.saturating_add(cooloff),
        },
        _ => Admission::Probe,
    }
}

/// Mark the circuit half-open with a probe in flight, if [`admission`] says `probe` at `now_ms`;
/// otherwise the state is returned unchanged. While the probe is out, others are denied for up to
/// `cooloffMs`; after that another probe is allowed, in case the first was lost.
pub fn begin_probe(state: &EndpointHealth, policy: &HealthPolicy, now_ms: i64) -> EndpointHealth {
    let mut next = state.clone();
    if admission(state, policy, now_ms) == Admission::Probe {
        next.circuit.state = CircuitState::HalfOpen;
        next.circuit.probe_started_at_ms = Some(now_ms);
    }
    bound_circuit(&mut next.circuit, policy);
    next
}

/// A disabled (or any) endpoint made healthy again: no failure streak, circuit closed. The times
/// of the last success and failure are kept as history.
pub fn enable(state: &EndpointHealth) -> EndpointHealth {
    EndpointHealth {
        last_failure_at_ms: state.last_failure_at_ms,
        last_failure_status: state.last_failure_status,
        last_success_at_ms: state.last_success_at_ms,
        ..EndpointHealth::default()
    }
}

/// The health a sender should go on from, holding `held` (its own, folded from the attempts it
/// made) when the store says `stored` (folded by any sender, possibly another process's): a
/// disabled state wins over one that is not (disabling is sticky), otherwise the one with the
/// later result (a delivery or a failure) wins, and `held` on a tie. So senders that share an
/// endpoint agree on its failure streak, and warnings about it are the same warnings.
pub fn merge(held: &EndpointHealth, stored: &EndpointHealth) -> EndpointHealth {
    let disabled = |h: &EndpointHealth| h.state == HealthState::Disabled;
    let latest = |h: &EndpointHealth| h.last_success_at_ms.max(h.last_failure_at_ms);
    let take_stored = match (disabled(held), disabled(stored)) {
        (false, true) => true,
        (true, false) => false,
        _ => latest(stored) > latest(held),
    };
    if take_stored {
        stored.clone()
    } else {
        held.clone()
    }
}

/// Disable an endpoint by hand. `reason` is a code of 1 to 64 characters of `[a-z0-9_]`, such as
/// `"manual"`. An endpoint already disabled keeps its first reason and time.
pub fn disable(state: &EndpointHealth, reason: &str, now_ms: i64) -> Result<EndpointHealth, Error> {
    let ok = !reason.is_empty()
        && reason.len() <= 64
        && reason
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(Error::InvalidArgument {
            reason: "disable reason must be 1 to 64 characters of a-z, 0-9 and _",
        });
    }
    let mut next = state.clone();
    if next.state != HealthState::Disabled {
        set_disabled(&mut next, reason, now_ms);
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FAIL: AttemptResult = AttemptResult::Failed { status: Some(500) };
    const OK: AttemptResult = AttemptResult::Delivered;

    fn breaker(threshold: u32, window_ms: i64, cooloff_ms: i64) -> HealthPolicy {
        HealthPolicy {
            circuit_breaker: Some(CircuitBreakerPolicy {
                failure_threshold: threshold,
                window_ms,
                cooloff_ms,
            }),
            ..HealthPolicy::default()
        }
    }

    #[test]
    fn json_shapes() {
        let p: HealthPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(p, HealthPolicy::default());
        let p: HealthPolicy = serde_json::from_str(r#"{"disableAfterMs":null}"#).unwrap();
        assert_eq!(p.disable_after_ms, None);
        let p: HealthPolicy = serde_json::from_str(r#"{"circuitBreaker":{}}"#).unwrap();
        assert_eq!(p.circuit_breaker, Some(CircuitBreakerPolicy::default()));
        assert!(serde_json::from_str::<HealthPolicy>(r#"{"disableAfter":1}"#).is_err());
        let h: EndpointHealth = serde_json::from_str("{}").unwrap();
        assert_eq!(h, EndpointHealth::default());
        let r: AttemptResult = serde_json::from_str(r#"{"kind":"failed"}"#).unwrap();
        assert_eq!(r, AttemptResult::Failed { status: None });
        assert_eq!(
            serde_json::to_string(&Admission::Deny { until_ms: 5 }).unwrap(),
            r#"{"kind":"deny","untilMs":5}"#
        );
        let h = record(&EndpointHealth::default(), &breaker(1, 10, 10), &FAIL, 7);
        assert_eq!(
            serde_json::to_value(&h).unwrap(),
            serde_json::json!({
                "state": "failing",
                "consecutiveFailures": 1,
                "firstFailureAtMs": 7,
                "lastFailureAtMs": 7,
                "lastFailureStatus": 500,
                "lastSuccessAtMs": null,
                "disabledReason": null,
                "disabledAtMs": null,
                "warnedPercent": 0,
                "circuit": {
                    "state": "open",
                    "openedAtMs": 7,
                    "probeStartedAtMs": null,
                    "recentFailuresMs": [7]
                }
            })
        );
    }

    #[test]
    fn validate() {
        assert!(HealthPolicy::default().validate().is_ok());
        assert!(breaker(1000, 1, 0).validate().is_ok());
        for bad in [
            breaker(0, 1, 0),
            breaker(1001, 1, 0),
            breaker(1, 0, 0),
            breaker(1, 1, -1),
            HealthPolicy {
                disable_after_ms: Some(0),
                ..HealthPolicy::default()
            },
            HealthPolicy {
                warn_at_percent: vec![50, 50],
                ..HealthPolicy::default()
            },
            HealthPolicy {
                warn_at_percent: vec![0],
                ..HealthPolicy::default()
            },
            HealthPolicy {
                warn_at_percent: vec![100],
                ..HealthPolicy::default()
            },
            HealthPolicy {
                warn_at_percent: (1..=11).collect(),
                ..HealthPolicy::default()
            },
        ] {
            assert_eq!(bad.validate().unwrap_err().code(), "invalid_policy");
        }
    }

    #[test]
    fn status_410_is_gone() {
        let h = record(
            &EndpointHealth::default(),
            &HealthPolicy::default(),
            &AttemptResult::Failed { status: Some(410) },
            1,
        );
        assert_eq!(h.disabled_reason.as_deref(), Some(REASON_GONE));
    }

    #[test]
    fn disable_reason_checked() {
        let h = EndpointHealth::default();
        assert!(disable(&h, "manual", 1).is_ok());
        for bad in ["", "Manual", "a b", &"a".repeat(65)] {
            assert_eq!(disable(&h, bad, 1).unwrap_err().code(), "invalid_argument");
        }
        let once = disable(&h, "manual", 1).unwrap();
        let twice = disable(&once, "billing", 2).unwrap();
        assert_eq!(once, twice);
    }

    #[test]
    fn oversized_stored_state_is_bounded() {
        let mut h = EndpointHealth::default();
        h.circuit.recent_failures_ms = vec![0; 100_000];
        let p = breaker(3, 1_000, 1_000);
        assert_eq!(record(&h, &p, &FAIL, 1).circuit.recent_failures_ms.len(), 3);
        assert_eq!(begin_probe(&h, &p, 1).circuit.recent_failures_ms.len(), 3);
        let no_breaker = record(&h, &HealthPolicy::default(), &FAIL, 1);
        assert_eq!(no_breaker.circuit, Circuit::default());
    }

    #[test]
    fn extreme_times() {
        let p = breaker(1, i64::MAX, i64::MAX);
        for (a, b) in [(i64::MIN, i64::MAX), (i64::MAX, i64::MIN), (0, i64::MIN)] {
            let h = record(&EndpointHealth::default(), &p, &FAIL, a);
            let h = record(&h, &p, &FAIL, b);
            let _ = admission(&h, &p, b);
            let _ = begin_probe(&h, &p, a);
        }
    }

    fn arb_result() -> impl Strategy<Value = AttemptResult> {
        prop_oneof![
            4 => Just(OK),
            8 => prop::option::of(prop_oneof![Just(500u16), Just(503), Just(410), any::<u16>()])
                .prop_map(|status| AttemptResult::Failed { status }),
            1 => Just(AttemptResult::Gone),
        ]
    }

    fn arb_policy() -> impl Strategy<Value = HealthPolicy> {
        (
            prop::option::of(prop_oneof![any::<i64>(), 1i64..100_000]),
            prop::option::of((
                prop_oneof![any::<u32>(), 0u32..6],
                prop_oneof![any::<i64>(), 1i64..10_000],
                prop_oneof![any::<i64>(), 0i64..10_000],
            )),
            prop::collection::vec(any::<u8>(), 0..4),
        )
            .prop_map(|(disable_after_ms, cb, warn_at_percent)| HealthPolicy {
                disable_after_ms,
                warn_at_percent,
                circuit_breaker: cb.map(|(failure_threshold, window_ms, cooloff_ms)| {
                    CircuitBreakerPolicy {
                        failure_threshold,
                        window_ms,
                        cooloff_ms,
                    }
                }),
            })
    }

    #[derive(Debug, Clone)]
    enum Op {
        Record(AttemptResult),
        Probe,
        Enable,
        Disable,
    }

    fn arb_op() -> impl Strategy<Value = Op> {
        prop_oneof![
            10 => arb_result().prop_map(Op::Record),
            2 => Just(Op::Probe),
            1 => Just(Op::Enable),
            1 => Just(Op::Disable),
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_sequences_stay_sane(
            policy in arb_policy(),
            steps in prop::collection::vec(
                (arb_op(), prop_oneof![any::<i64>(), -5_000i64..5_000]),
                0..60,
            ),
        ) {
            let mut h = EndpointHealth::default();
            let mut clock = 0i64;
            for (op, jump) in steps {
                clock = clock.saturating_add(jump);
                h = match op {
                    Op::Record(r) => record(&h, &policy, &r, clock),
                    Op::Probe => begin_probe(&h, &policy, clock),
                    Op::Enable => enable(&h),
                    Op::Disable => disable(&h, "manual", clock).unwrap(),
                };
                let limit = policy
                    .circuit_breaker
                    .map_or(0, |cb| cb.failure_threshold.clamp(1, MAX_FAILURE_THRESHOLD));
                prop_assert!(h.circuit.recent_failures_ms.len() <= limit as usize);
                prop_assert_eq!(h.state == HealthState::Disabled, h.disabled_reason.is_some());
                prop_assert_eq!(h.consecutive_failures == 0, h.first_failure_at_ms.is_none());
                // A warning belongs to a failure streak, and is one the policy names.
                prop_assert!(h.warned_percent == 0 || h.first_failure_at_ms.is_some());
                prop_assert!(h.warned_percent == 0 || policy.warn_at_percent.contains(&h.warned_percent));
                prop_assert_eq!(
                    h.state == HealthState::Healthy,
                    h.consecutive_failures == 0 && h.disabled_reason.is_none()
                );
                let a = admission(&h, &policy, clock);
                if let Admission::Deny { until_ms } = a {
                    prop_assert!(until_ms > clock || until_ms == i64::MAX);
                }
                let back: EndpointHealth =
                    serde_json::from_value(serde_json::to_value(&h).unwrap()).unwrap();
                prop_assert_eq!(back, h.clone());
            }
        }

        #[test]
        fn arbitrary_stored_state_never_panics(
            policy in arb_policy(),
            times in prop::collection::vec(any::<i64>(), 0..8),
            failures in any::<u32>(),
            circuit in 0u8..3,
            result in arb_result(),
            now in any::<i64>(),
        ) {
            let mut h = EndpointHealth {
                consecutive_failures: failures,
                first_failure_at_ms: times.first().copied(),
                last_failure_at_ms: times.get(1).copied(),
                ..EndpointHealth::default()
            };
            h.circuit.state = [CircuitState::Closed, CircuitState::Open, CircuitState::HalfOpen]
                [usize::from(circuit)];
            h.circuit.opened_at_ms = times.get(2).copied();
            h.circuit.probe_started_at_ms = times.get(3).copied();
            h.circuit.recent_failures_ms = times.clone();
            let next = record(&h, &policy, &result, now);
            let _ = admission(&next, &policy, now);
            let _ = begin_probe(&next, &policy, now);
        }
    }
}
