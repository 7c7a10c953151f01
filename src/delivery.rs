//! One delivery attempt from the sender's side: what to do after it, and what it means for the
//! endpoint's health, decided together so a sender makes one call per finished attempt.
//!
//! The pieces are [`crate::retry`] (what happens next) and [`crate::health`] (how the endpoint is
//! doing); this module only says how the two meet.

use crate::error::Error;
use crate::health::{self, Admission, AttemptResult, EndpointHealth, HealthPolicy};
use crate::retry::{self, Decision, Outcome, RetryPolicy};

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

/// One endpoint as a sender sees it: its health and the policies that govern it.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub health: EndpointHealth,
    pub health_policy: HealthPolicy,
    pub retry: RetryPolicy,
}

impl Endpoint {
    /// `retry` is checked here once, so deciding an attempt cannot fail on the policy.
    pub fn new(
        health: EndpointHealth,
        health_policy: HealthPolicy,
        retry: RetryPolicy,
    ) -> Result<Self, Error> {
        retry.validate()?;
        health_policy.validate()?;
        Ok(Endpoint {
            health,
            health_policy,
            retry,
        })
    }

    /// May an attempt go out now?
    pub fn admission(&self, now_ms: i64) -> Admission {
        health::admission(&self.health, &self.health_policy, now_ms)
    }

    /// Attempt `attempt_number` ended with `outcome` at `now_ms`: decide what happens next and
    /// fold the result into the endpoint's health.
    pub fn complete(
        &mut self,
        attempt_number: u32,
        outcome: &Outcome,
        now_ms: i64,
        rand: u32,
    ) -> Result<Decision, Error> {
        let decision = retry::next_attempt(&self.retry, attempt_number, outcome, now_ms, rand)?;
        self.health = health::record(
            &self.health,
            &self.health_policy,
            &attempt_result(&decision),
            now_ms,
        );
        Ok(decision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::HealthState;

    fn endpoint() -> Endpoint {
        Endpoint::new(
            EndpointHealth::default(),
            HealthPolicy::default(),
            RetryPolicy::schedule(vec![0, 1000]),
        )
        .unwrap()
    }

    #[test]
    fn delivered_resets_failures_and_gone_disables() {
        let mut e = endpoint();
        let d = e.complete(1, &Outcome::status(503), 1_000, 0).unwrap();
        assert!(matches!(d, Decision::Retry { attempt: 2, .. }));
        assert_eq!(e.health.consecutive_failures, 1);
        let d = e.complete(2, &Outcome::status(204), 2_000, 0).unwrap();
        assert_eq!(d, Decision::Delivered { status: 204 });
        assert_eq!(e.health.consecutive_failures, 0);
        assert_eq!(e.health.last_success_at_ms, Some(2_000));
        let d = e.complete(1, &Outcome::status(410), 3_000, 0).unwrap();
        assert!(matches!(d, Decision::DisableEndpoint { .. }));
        assert_eq!(e.health.state, HealthState::Disabled);
        assert!(matches!(e.admission(4_000), Admission::Disabled { .. }));
    }

    #[test]
    fn the_result_follows_the_decision() {
        let mut e = endpoint();
        let d = e.complete(2, &Outcome::Timeout, 1_000, 0).unwrap();
        assert!(matches!(d, Decision::GiveUp { .. }));
        assert_eq!(attempt_result(&d), AttemptResult::Failed { status: None });
        assert_eq!(e.health.last_failure_status, None);
        let d = e.complete(1, &Outcome::status(400), 2_000, 0).unwrap();
        assert_eq!(
            attempt_result(&d),
            AttemptResult::Failed { status: Some(400) }
        );
        assert!(e
            .complete(1, &Outcome::status(99), 3_000, 0)
            .is_err_and(|err| err.code() == "invalid_argument"));
    }

    #[test]
    fn a_bad_policy_is_refused_up_front() {
        let bad = RetryPolicy::schedule(vec![]);
        let made = Endpoint::new(EndpointHealth::default(), HealthPolicy::default(), bad);
        assert!(made.is_err());
    }
}
