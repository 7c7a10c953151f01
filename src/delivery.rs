//! One delivery attempt as a sans-IO state machine (sender side).
//!
//! An [`Endpoint`] owns everything that decides about one subscriber: its signer, the SSRF
//! verdict on its URL, the retry policy and its health. A sender drives it in two calls per
//! attempt, and does the I/O in between:
//!
//! 1. [`Endpoint::begin`] at `now_ms`: either [`Begin::Send`] (these exact headers, to this
//!    target; `probe` says it is the circuit's single half-open trial) or [`Begin::Skip`] (no
//!    request: the target is not allowed, the endpoint is disabled or its circuit is open), with
//!    the attempt's result already decided. The SSRF verdict comes before signing, so a refused
//!    target never sees a signature.
//! 2. [`Endpoint::finish`] with what the sender observed ([`Outcome`]): the record's outcome, the
//!    [`Plan`] (done, retry at a time, give up, disable) and the health folded in.
//!
//! While a request is connecting, [`Endpoint::check_address`] judges each address its host name
//! resolved to, so the address actually connected is the one checked.
//!
//! Nothing here reads a clock or a random source: `now_ms` (unix milliseconds) and `rand` come in.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::health::{self, Admission, AttemptResult, EndpointHealth, HealthPolicy, HealthState};
use crate::retry::{self, Decision, Outcome, Reason, RetryPolicy};
use crate::sign::Signer;
use crate::ssrf::{self, Target, TargetOptions, UrlParts};

/// What an attempt's decision means for the endpoint's health: delivered is a success, a
/// decision to disable the endpoint (410 Gone) is `Gone`, anything else is a failure with the
/// status the receiver answered, if any.
pub fn attempt_result(decision: &Decision) -> AttemptResult {
    match *decision {
        Decision::Delivered { .. } => AttemptResult::Delivered,
        Decision::DisableEndpoint { .. } => AttemptResult::Gone,
        Decision::Retry { status, .. } | Decision::GiveUp { status, .. } => {
            AttemptResult::Failed { status }
        }
    }
}

/// What an attempt record says happened. The JSON strings are the record's `outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttemptOutcome {
    /// The receiver accepted it (2xx).
    Delivered,
    /// It failed and another attempt is planned.
    Retry,
    /// It failed for good (a permanent status, or the last attempt).
    Failed,
    /// The endpoint is disabled: by this attempt (410 Gone) or before it (nothing was sent).
    EndpointDisabled,
    /// The circuit breaker is open: nothing was sent; the same attempt is planned for later.
    CircuitOpen,
    /// The SSRF guard refused the target: nothing was sent or signed.
    Blocked,
    /// The delivery was ended without an attempt: its endpoint was deleted or disabled before it
    /// went out. Nothing was sent.
    Cancelled,
    /// The worker making the attempt stopped (it died, or lost its lease) before it could record
    /// what happened: the receiver may or may not have got the request.
    Unknown,
}

/// Why a plan was made: a [`Reason`] from the retry policy, or one of the endpoint's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", untagged)]
pub enum PlanReason {
    /// The retry policy's verdict on what the receiver did.
    Retry(Reason),
    /// The endpoint's own state or set-up.
    Endpoint(EndpointReason),
}

/// Reasons that come from the endpoint rather than from a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointReason {
    /// `"circuit_open"`: the breaker denies attempts until the plan's time.
    CircuitOpen,
    /// `"endpoint_disabled"`: no attempts until the endpoint is enabled again.
    EndpointDisabled,
    /// `"target_not_allowed"`: the SSRF guard refused the URL.
    TargetNotAllowed,
    /// `"failing_too_long"`: this failure made the streak last the health policy's
    /// `disableAfterMs`, so the endpoint is disabled and the message is not retried.
    FailingTooLong,
    /// `"endpoint_gone"`: the endpoint no longer exists (it was deleted): nothing is sent.
    EndpointGone,
    /// `"keys_unavailable"`: the endpoint's secrets could not be had (a store that cannot open
    /// them, a key source that failed): nothing was sent or signed.
    KeysUnavailable,
    /// `"worker_lost"`: the worker making the attempt stopped before recording it.
    WorkerLost,
    /// `"ordering_blocked"`: the head of an ordering key failed for longer than the ordering
    /// policy's `maxBlockMs`, and is given up so the rest of its key can go.
    OrderingBlocked,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Plan {
    /// `{ "kind": "done" }`: delivered.
    Done,
    /// `{ "kind": "retry", "atMs", "delayMs", "attempt", "reason" }`: make attempt `attempt` at
    /// `atMs`. After a skip for an open circuit, `attempt` is the same number: nothing was sent.
    Retry {
        at_ms: i64,
        delay_ms: u64,
        attempt: u32,
        reason: PlanReason,
    },
    /// `{ "kind": "giveUp", "reason" }`: the message failed for good at this endpoint.
    GiveUp { reason: PlanReason },
    /// `{ "kind": "disable", "reason" }`: the message failed and the endpoint is now disabled.
    Disable { reason: PlanReason },
    /// `{ "kind": "cancel", "reason" }`: the message is not sent to this endpoint at all (it is
    /// gone or disabled); not a failure of the receiver's.
    Cancel { reason: PlanReason },
}

/// Where a delivery (one message to one endpoint) stands after a plan: what a store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryState {
    /// Another attempt is due (at the plan's time).
    Pending,
    /// The receiver accepted it.
    Delivered,
    /// It failed for good.
    Failed,
    /// It ended without being sent (or without more attempts): the endpoint went away.
    Cancelled,
}

impl Plan {
    /// The delivery's state under this plan.
    pub fn delivery_state(&self) -> DeliveryState {
        match self {
            Plan::Done => DeliveryState::Delivered,
            Plan::Retry { .. } => DeliveryState::Pending,
            Plan::GiveUp { .. } | Plan::Disable { .. } => DeliveryState::Failed,
            Plan::Cancel { .. } => DeliveryState::Cancelled,
        }
    }
}

impl Plan {
    fn from_decision(decision: &Decision) -> (AttemptOutcome, Plan) {
        match *decision {
            Decision::Delivered { .. } => (AttemptOutcome::Delivered, Plan::Done),
            Decision::Retry {
                at_ms,
                delay_ms,
                attempt,
                reason,
                ..
            } => (
                AttemptOutcome::Retry,
                Plan::Retry {
                    at_ms,
                    delay_ms,
                    attempt,
                    reason: PlanReason::Retry(reason),
                },
            ),
            Decision::GiveUp { reason, .. } => (
                AttemptOutcome::Failed,
                Plan::GiveUp {
                    reason: PlanReason::Retry(reason),
                },
            ),
            Decision::DisableEndpoint { reason, .. } => (
                AttemptOutcome::EndpointDisabled,
                Plan::Disable {
                    reason: PlanReason::Retry(reason),
                },
            ),
        }
    }
}

/// An attempt's result: what its record says and what happens next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finished {
    pub outcome: AttemptOutcome,
    pub plan: Plan,
    /// The delivery's state under `plan`.
    pub state: DeliveryState,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why nothing was sent, for a skipped attempt (`"circuit breaker open"`, ...); `None` after
    /// a request, whose error (if any) only the sender observed.
    pub error: Option<String>,
    /// The operational event this attempt's result made of the endpoint's state (a warning, a
    /// disabling, a recovery), if any ([`crate::lifecycle::event`]); left out of the JSON when
    /// none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<crate::lifecycle::Event>,
}

impl Finished {
    pub(crate) fn new(
        outcome: AttemptOutcome,
        plan: Plan,
        status: Option<u16>,
        error: Option<String>,
    ) -> Self {
        Finished {
            outcome,
            state: plan.delivery_state(),
            plan,
            status,
            error,
            event: None,
        }
    }
}

/// Why an attempt could not start: there was no endpoint to drive, or no keys to sign with, or
/// its worker stopped before recording it. See [`unstarted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unstarted {
    /// `"endpoint_gone"`: the endpoint was deleted.
    EndpointGone,
    /// `"keys_unavailable"`: its secrets could not be had now.
    KeysUnavailable,
    /// `"worker_lost"`: a worker began the attempt and stopped (its lease ran out) without
    /// recording what happened.
    WorkerLost,
}

/// The result of attempt `attempt` that did not (or may not) reach the receiver for `why`, at
/// `now_ms`, under `retry`:
///
/// - endpoint gone: outcome `cancelled`, plan `cancel`: there is nobody to send to;
/// - keys unavailable: nothing was sent; the attempt counts, and the next one is planned as the
///   policy plans after a failure (`retry` with reason `keys_unavailable`), until the policy is
///   exhausted (`giveUp`). The endpoint's health is not touched: the receiver did nothing wrong;
/// - worker lost: outcome `unknown` (the request may have been received), planned the same way
///   with reason `worker_lost`, so the delivery goes on at least once more.
///
/// So an attempt that cannot start is recorded and planned like any other, never left to wait
/// on a lease.
pub fn unstarted(
    retry: &RetryPolicy,
    attempt: u32,
    why: Unstarted,
    now_ms: i64,
    rand: u32,
) -> Result<Finished, Error> {
    retry.validate()?;
    if attempt == 0 {
        return Err(Error::InvalidArgument {
            reason: "attempt numbers start at 1",
        });
    }
    let (outcome, reason, error) = match why {
        Unstarted::EndpointGone => {
            return Ok(Finished::new(
                AttemptOutcome::Cancelled,
                Plan::Cancel {
                    reason: PlanReason::Endpoint(EndpointReason::EndpointGone),
                },
                None,
                Some("endpoint gone: it was deleted".to_owned()),
            ))
        }
        Unstarted::KeysUnavailable => (
            AttemptOutcome::Retry,
            EndpointReason::KeysUnavailable,
            "keys_unavailable: the endpoint's secret could not be opened; nothing was sent",
        ),
        Unstarted::WorkerLost => (
            AttemptOutcome::Unknown,
            EndpointReason::WorkerLost,
            "worker_lost: the worker stopped during the attempt; the receiver may have got it",
        ),
    };
    let reason = PlanReason::Endpoint(reason);
    let next = attempt
        .checked_add(1)
        .and_then(|n| Some((n, retry.delay_before(n)?)));
    let plan = match next {
        Some((next_attempt, scheduled)) => {
            let delay_ms = retry.jitter.apply(scheduled, retry.schedule_cap(), rand);
            Plan::Retry {
                at_ms: now_ms.saturating_add_unsigned(delay_ms),
                delay_ms,
                attempt: next_attempt,
                reason,
            }
        }
        None => Plan::GiveUp { reason },
    };
    // An unknown attempt stays unknown whatever comes next; a keyless one failed for good when
    // no attempt is left.
    let outcome = match (outcome, &plan) {
        (AttemptOutcome::Retry, Plan::GiveUp { .. }) => AttemptOutcome::Failed,
        (o, _) => o,
    };
    Ok(Finished::new(outcome, plan, None, Some(error.to_owned())))
}

/// The message an attempt carries: what the signature covers.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub id: &'a str,
    pub body: &'a [u8],
}

/// What [`Endpoint::begin`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// Send `headers` (the scheme's signature headers, in order) with the body to the
    /// endpoint's URL. `probe`: this is the half-open circuit's single trial.
    Send {
        headers: Vec<(String, String)>,
        probe: bool,
    },
    /// Send nothing; the attempt is over.
    Skip(Finished),
}

/// One endpoint as a sender drives it. Built once per subscriber and kept while it is used;
/// `health` is plain data to store between processes.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub health: EndpointHealth,
    health_policy: HealthPolicy,
    retry: RetryPolicy,
    signer: Signer,
    /// The SSRF options, or `None` with the guard turned off.
    guard: Option<TargetOptions>,
    /// The guard's verdict on the URL (a pure function of the URL and the options, so taken
    /// once); `None` with the guard off.
    target: Option<Result<Target, Error>>,
}

impl Endpoint {
    /// The policies are checked here once, so no attempt can fail on them. `url` is the endpoint
    /// URL as the platform's WHATWG parser read it; `guard` is `None` to send anywhere.
    pub fn new(
        signer: Signer,
        url: &UrlParts,
        guard: Option<TargetOptions>,
        retry: RetryPolicy,
        health_policy: HealthPolicy,
        health: EndpointHealth,
    ) -> Result<Self, Error> {
        retry.validate()?;
        health_policy.validate()?;
        let target = match &guard {
            Some(options) => {
                options.validate()?;
                Some(ssrf::check_target(url, options))
            }
            None => None,
        };
        Ok(Endpoint {
            health,
            health_policy,
            retry,
            signer,
            guard,
            target,
        })
    }

    /// New keys for the same endpoint; its health carries on.
    pub fn rekey(&mut self, signer: Signer) {
        self.signer = signer;
    }

    /// Go on from the health a store holds for this endpoint, when it is ahead of the one held
    /// here ([`health::merge`]): another sender recorded a later result, or disabled it.
    pub fn adopt(&mut self, stored: &EndpointHealth) {
        self.health = health::merge(&self.health, stored);
    }

    /// May an attempt go out now? (What [`Endpoint::begin`] asks first, without changing state.)
    pub fn admission(&self, now_ms: i64) -> Admission {
        health::admission(&self.health, &self.health_policy, now_ms)
    }

    /// Start attempt `attempt` of `message` at `now_ms`. The guard's verdict comes first, then
    /// admission, then signing (timestamp: `now_ms` in whole seconds). A half-open circuit lets
    /// exactly one `begin` through as the probe; the others skip until the probe is finished or
    /// its cool-off passes.
    pub fn begin(
        &mut self,
        attempt: u32,
        now_ms: i64,
        message: Message<'_>,
    ) -> Result<Begin, Error> {
        if let Some(Err(refusal)) = &self.target {
            return Ok(Begin::Skip(Finished::new(
                AttemptOutcome::Blocked,
                Plan::GiveUp {
                    reason: PlanReason::Endpoint(EndpointReason::TargetNotAllowed),
                },
                None,
                Some(format!("{}: {}", refusal.code(), refusal)),
            )));
        }
        let probe = match self.admission(now_ms) {
            Admission::Allow => false,
            Admission::Probe => true,
            Admission::Disabled { reason } => {
                return Ok(Begin::Skip(Finished::new(
                    AttemptOutcome::EndpointDisabled,
                    Plan::GiveUp {
                        reason: PlanReason::Endpoint(EndpointReason::EndpointDisabled),
                    },
                    None,
                    Some(format!("endpoint disabled ({reason})")),
                )));
            }
            Admission::Deny { until_ms } => {
                let delay = until_ms.saturating_sub(now_ms).max(0);
                return Ok(Begin::Skip(Finished::new(
                    AttemptOutcome::CircuitOpen,
                    Plan::Retry {
                        at_ms: until_ms.max(now_ms),
                        delay_ms: u64::try_from(delay).unwrap_or(0),
                        attempt,
                        reason: PlanReason::Endpoint(EndpointReason::CircuitOpen),
                    },
                    None,
                    Some("circuit breaker open".to_owned()),
                )));
            }
        };
        let timestamp = now_ms.div_euclid(1000);
        let headers = self.signer.sign(message.id, timestamp, message.body)?;
        if probe {
            self.health = health::begin_probe(&self.health, &self.health_policy, now_ms);
        }
        Ok(Begin::Send { headers, probe })
    }

    /// May the request connect to `addr`, an address the endpoint's host name resolved to?
    /// Always yes with the guard off, or for an allow-listed host.
    pub fn check_address(&self, addr: std::net::IpAddr) -> Result<(), Error> {
        match (&self.guard, &self.target) {
            (Some(options), Some(Ok(target))) => ssrf::check_resolved(target, addr, options),
            (_, Some(Err(refusal))) => Err(refusal.clone()),
            _ => Ok(()),
        }
    }

    /// The attempt's result when the connection was refused because its host name resolved to
    /// an address [`Endpoint::check_address`] refused: blocked, nothing sent, the health
    /// unchanged.
    pub fn refused_address(&self) -> Finished {
        // NOTE: the record names neither the address nor why it was refused: it is shown to the
        // endpoint's owner, who must not learn what a name resolves to inside the sender's
        // network.
        Finished::new(
            AttemptOutcome::Blocked,
            Plan::GiveUp {
                reason: PlanReason::Endpoint(EndpointReason::TargetNotAllowed),
            },
            None,
            Some("target_not_allowed: blocked by the address policy".to_owned()),
        )
    }

    /// Attempt `attempt`, begun with [`Endpoint::begin`], ended with `outcome` at `now_ms`:
    /// decide what happens next and fold the result into the endpoint's health. The outcome is
    /// the status once the response's headers arrived: a slow body does not make a delivered
    /// attempt a timeout.
    pub fn finish(
        &mut self,
        attempt: u32,
        outcome: &Outcome,
        now_ms: i64,
        rand: u32,
    ) -> Result<Finished, Error> {
        let decision = retry::next_attempt(&self.retry, attempt, outcome, now_ms, rand)?;
        let before = self.health.clone();
        let was_disabled = before.state == HealthState::Disabled;
        self.health = health::record(
            &self.health,
            &self.health_policy,
            &attempt_result(&decision),
            now_ms,
        );
        let (mut outcome_kind, mut plan) = Plan::from_decision(&decision);
        // A failure that disabled the endpoint ends the message too: a retry would only be
        // skipped, and the record should say why nothing more is sent.
        if !was_disabled
            && self.health.state == HealthState::Disabled
            && matches!(plan, Plan::Retry { .. } | Plan::GiveUp { .. })
        {
            outcome_kind = AttemptOutcome::EndpointDisabled;
            plan = Plan::Disable {
                reason: PlanReason::Endpoint(EndpointReason::FailingTooLong),
            };
        }
        let status = match outcome {
            Outcome::Status { status, .. } => Some(*status),
            _ => None,
        };
        let mut finished = Finished::new(outcome_kind, plan, status, None);
        finished.event =
            crate::lifecycle::event(&before, &self.health, &self.health_policy, now_ms);
        Ok(finished)
    }
}

/// An attempt must end well inside the lease its worker holds on the delivery, or a second
/// worker could take the delivery while the first is still sending it: the request timeout may
/// be at most half the lease. `Ok` when `timeout_ms` fits `lease_ms`.
pub fn check_lease(lease_ms: u64, timeout_ms: u64) -> Result<(), Error> {
    if lease_ms == 0 || timeout_ms.saturating_mul(2) > lease_ms {
        return Err(Error::InvalidArgument {
            reason: "the lease must be at least twice the request timeout",
        });
    }
    Ok(())
}

/// How long to wait, at `now_ms`, for something due at `at_ms` when one wait may last at most
/// `max_ms` (a queue's longest delay, a platform timer's longest timeout): `Ok(None)` when it
/// is due, else the next wait. A job whose wait is cut short is waited for again until due.
pub fn next_wait(at_ms: i64, now_ms: i64, max_ms: u64) -> Option<u64> {
    let left = u64::try_from(at_ms.saturating_sub(now_ms)).unwrap_or(0);
    (left > 0).then(|| left.min(max_ms.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::CircuitBreakerPolicy;
    use crate::scheme::Scheme;
    use crate::KeyInput;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// `scheme://host[:port]/`, as `new URL()` gives it apart.
    fn parts(url: &str) -> UrlParts {
        let (scheme, rest) = url.split_once("://").unwrap();
        let authority = rest.split('/').next().unwrap();
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p.parse().unwrap())),
            None => (authority, None),
        };
        UrlParts {
            scheme: scheme.to_owned(),
            host: host.to_owned(),
            port,
            ..UrlParts::default()
        }
    }

    fn signer() -> Signer {
        Signer::new(Scheme::StandardWebhooks, &[KeyInput::Text(SECRET)]).unwrap()
    }

    fn endpoint_with(url: &str, health_policy: HealthPolicy) -> Endpoint {
        Endpoint::new(
            signer(),
            &parts(url),
            Some(TargetOptions::default()),
            RetryPolicy::schedule(vec![0, 1000]),
            health_policy,
            EndpointHealth::default(),
        )
        .unwrap()
    }

    const MSG: Message<'static> = Message {
        id: "msg_1",
        body: b"{}",
    };

    #[test]
    fn delivered_resets_failures_and_gone_disables() {
        let mut e = endpoint_with("https://example.com/hook", HealthPolicy::default());
        assert!(matches!(
            e.begin(1, 1_000, MSG).unwrap(),
            Begin::Send { probe: false, .. }
        ));
        let f = e.finish(1, &Outcome::status(503), 1_000, 0).unwrap();
        assert_eq!(f.outcome, AttemptOutcome::Retry);
        assert!(matches!(f.plan, Plan::Retry { attempt: 2, .. }));
        assert_eq!(e.health.consecutive_failures, 1);
        let f = e.finish(2, &Outcome::status(204), 2_000, 0).unwrap();
        assert_eq!(
            (f.outcome, f.plan, f.status),
            (AttemptOutcome::Delivered, Plan::Done, Some(204))
        );
        assert_eq!(e.health.consecutive_failures, 0);
        let f = e.finish(1, &Outcome::status(410), 3_000, 0).unwrap();
        assert_eq!(f.outcome, AttemptOutcome::EndpointDisabled);
        assert!(matches!(f.plan, Plan::Disable { .. }));
        assert_eq!(e.health.state, HealthState::Disabled);
        let Begin::Skip(skip) = e.begin(1, 4_000, MSG).unwrap() else {
            panic!("a disabled endpoint must not send");
        };
        assert_eq!(skip.outcome, AttemptOutcome::EndpointDisabled);
        assert_eq!(skip.error.as_deref(), Some("endpoint disabled (gone)"));
    }

    #[test]
    fn the_guard_judges_before_signing() {
        let mut e = endpoint_with("http://127.0.0.1:9/", HealthPolicy::default());
        let Begin::Skip(skip) = e.begin(1, 0, MSG).unwrap() else {
            panic!("loopback must be refused");
        };
        assert_eq!(skip.outcome, AttemptOutcome::Blocked);
        assert_eq!(
            skip.plan,
            Plan::GiveUp {
                reason: PlanReason::Endpoint(EndpointReason::TargetNotAllowed)
            }
        );
        // A public name passes the URL check; the address it resolves to is judged at connect.
        let e = endpoint_with("https://hooks.example.com/", HealthPolicy::default());
        assert!(e.check_address("10.1.2.3".parse().unwrap()).is_err());
        assert!(e.check_address("93.184.216.34".parse().unwrap()).is_ok());
        let refused = e.refused_address();
        assert_eq!(refused.outcome, AttemptOutcome::Blocked);
        assert_eq!(
            refused.error.as_deref(),
            Some("target_not_allowed: blocked by the address policy")
        );
    }

    #[test]
    fn the_half_open_circuit_lets_one_probe_through() {
        let policy = HealthPolicy {
            disable_after_ms: None,
            circuit_breaker: Some(CircuitBreakerPolicy {
                failure_threshold: 2,
                window_ms: 60_000,
                cooloff_ms: 10_000,
            }),
            ..HealthPolicy::default()
        };
        let mut e = endpoint_with("https://example.com/", policy);
        for t in [1_000, 2_000] {
            e.begin(1, t, MSG).unwrap();
            e.finish(1, &Outcome::status(500), t, 0).unwrap();
        }
        let Begin::Skip(open) = e.begin(1, 3_000, MSG).unwrap() else {
            panic!("open circuit must skip");
        };
        assert_eq!(open.outcome, AttemptOutcome::CircuitOpen);
        assert!(matches!(
            open.plan,
            Plan::Retry {
                at_ms: 12_000,
                attempt: 1,
                ..
            }
        ));
        // After the cool-off: one probe, then skips while it is out.
        assert!(matches!(
            e.begin(1, 12_000, MSG).unwrap(),
            Begin::Send { probe: true, .. }
        ));
        for t in [12_001, 12_002] {
            assert!(matches!(
                e.begin(1, t, MSG).unwrap(),
                Begin::Skip(Finished {
                    outcome: AttemptOutcome::CircuitOpen,
                    ..
                })
            ));
        }
        e.finish(1, &Outcome::status(200), 12_100, 0).unwrap();
        assert!(matches!(
            e.begin(1, 12_200, MSG).unwrap(),
            Begin::Send { probe: false, .. }
        ));
    }

    #[test]
    fn attempts_that_cannot_start_are_planned_like_any_other() {
        let policy = RetryPolicy::schedule(vec![0, 1000]);
        let gone = unstarted(&policy, 1, Unstarted::EndpointGone, 5_000, 0).unwrap();
        assert_eq!(
            (gone.outcome, gone.state),
            (AttemptOutcome::Cancelled, DeliveryState::Cancelled)
        );
        let keys = unstarted(&policy, 1, Unstarted::KeysUnavailable, 5_000, 0).unwrap();
        assert_eq!(
            keys.plan,
            Plan::Retry {
                at_ms: 6_000,
                delay_ms: 1000,
                attempt: 2,
                reason: PlanReason::Endpoint(EndpointReason::KeysUnavailable)
            }
        );
        assert_eq!(keys.state, DeliveryState::Pending);
        let last = unstarted(&policy, 2, Unstarted::KeysUnavailable, 5_000, 0).unwrap();
        assert_eq!(
            (last.outcome, last.state),
            (AttemptOutcome::Failed, DeliveryState::Failed)
        );
        let lost = unstarted(&policy, 2, Unstarted::WorkerLost, 5_000, 0).unwrap();
        assert_eq!(
            (lost.outcome, lost.state),
            (AttemptOutcome::Unknown, DeliveryState::Failed)
        );
        assert!(unstarted(&policy, 0, Unstarted::WorkerLost, 5_000, 0).is_err());
    }

    #[test]
    fn the_timeout_fits_in_half_the_lease() {
        assert!(check_lease(60_000, 15_000).is_ok());
        assert!(check_lease(30_000, 15_000).is_ok());
        assert!(check_lease(29_999, 15_000).is_err());
        assert!(check_lease(0, 0).is_err());
    }

    #[test]
    fn waits_are_cut_to_the_longest_allowed() {
        assert_eq!(next_wait(1_000, 1_000, 500), None);
        assert_eq!(next_wait(900, 1_000, 500), None);
        assert_eq!(next_wait(1_400, 1_000, 500), Some(400));
        assert_eq!(next_wait(10_000, 1_000, 500), Some(500));
        assert_eq!(
            next_wait(i64::MAX, i64::MIN, u64::from(u32::MAX)),
            Some(u64::from(u32::MAX))
        );
    }

    #[test]
    fn a_bad_policy_is_refused_up_front() {
        let bad = RetryPolicy::schedule(vec![]);
        let made = Endpoint::new(
            signer(),
            &parts("https://example.com/"),
            None,
            bad,
            HealthPolicy::default(),
            EndpointHealth::default(),
        );
        assert!(made.is_err());
    }
}
