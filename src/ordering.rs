//! Ordered delivery: FIFO per endpoint, or per ordering key (sender side).
//!
//! An endpoint marked `ordered` gets its deliveries one at a time, in the order they were
//! published: the next delivery of a key may start only once the one before it has ended
//! (delivered, given up or cancelled). Events published with an `orderingKey` are ordered per
//! key, so one customer's stuck event holds only that customer's; events without one share the
//! endpoint's own key, `""`. An endpoint that is not ordered ignores the key.
//!
//! The delivery at the front of its key is its key's head. A head that keeps failing blocks its
//! key for at most [`OrderingPolicy::max_block_ms`] (default one hour) from the time it became
//! the head: a retry that would fall later is not made, and the delivery is given up
//! ([`bound`], reason `ordering_blocked`) so the rest of its key can flow. What that costs: that
//! event is not delivered (its record says why; redelivering it puts it at the back of its key),
//! and a key can wait up to that long behind each head that fails.
//!
//! A store keeps the rest under concurrency: one head per key, the next promoted in the same
//! transaction that ends the one before, so two workers never start two deliveries of one key.

use serde::{Deserialize, Serialize};

use crate::delivery::{AttemptOutcome, EndpointReason, Finished, Plan, PlanReason};
use crate::error::Error;

/// The default `maxBlockMs`: one hour.
pub const DEFAULT_MAX_BLOCK_MS: i64 = 3_600_000;
/// The longest `orderingKey`, in bytes.
pub const MAX_KEY_BYTES: usize = 256;
/// The key of an ordered endpoint's events published without one.
pub const ENDPOINT_KEY: &str = "";

/// How long a failing head may hold its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderingPolicy {
    /// From the time a delivery became its key's head; positive, default one hour.
    #[serde(default = "default_max_block")]
    pub max_block_ms: i64,
}

fn default_max_block() -> i64 {
    DEFAULT_MAX_BLOCK_MS
}

impl Default for OrderingPolicy {
    fn default() -> Self {
        OrderingPolicy {
            max_block_ms: DEFAULT_MAX_BLOCK_MS,
        }
    }
}

impl OrderingPolicy {
    pub fn validate(&self) -> Result<(), Error> {
        if self.max_block_ms <= 0 {
            return Err(Error::InvalidPolicy {
                reason: "ordering.maxBlockMs must be a positive number of milliseconds",
            });
        }
        Ok(())
    }
}

/// Check an `orderingKey` given on publish: 1 to 256 bytes of visible text (no control
/// characters), so it can be stored, compared and shown as it is.
pub fn check_key(key: &str) -> Result<(), Error> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES || key.chars().any(char::is_control) {
        return Err(Error::InvalidArgument {
            reason: "orderingKey must be 1 to 256 bytes of text without control characters",
        });
    }
    Ok(())
}

/// The key a delivery to an endpoint is ordered by: `None` when the endpoint is not ordered,
/// else the event's `orderingKey`, or [`ENDPOINT_KEY`] without one. The key is checked either
/// way, so a bad one fails the publish whatever it matched.
pub fn key_for(ordered: bool, key: Option<&str>) -> Result<Option<String>, Error> {
    if let Some(k) = key {
        check_key(k)?;
    }
    Ok(ordered.then(|| key.unwrap_or(ENDPOINT_KEY).to_owned()))
}

/// Whether a retry at `retry_at_ms` of the head of a key since `head_since_ms` falls past
/// `maxBlockMs`: then the head is given up instead ([`give_up`]).
pub fn past_block(head_since_ms: i64, policy: &OrderingPolicy, retry_at_ms: i64) -> bool {
    retry_at_ms > head_since_ms.saturating_add(policy.max_block_ms.max(1))
}

/// The result of the head of a key since `head_since_ms` given up at `now_ms` past `maxBlockMs`,
/// from the attempt's own `outcome`, `status` and `error`: plan `giveUp` (reason
/// `ordering_blocked`), state failed; a `retry` or `circuitOpen` record becomes `failed`, an
/// `unknown` one stays unknown; the error says why (after the attempt's own, if any).
pub fn give_up(
    outcome: AttemptOutcome,
    status: Option<u16>,
    error: Option<String>,
    head_since_ms: i64,
    policy: &OrderingPolicy,
    now_ms: i64,
) -> Finished {
    let outcome = match outcome {
        AttemptOutcome::Unknown => AttemptOutcome::Unknown,
        _ => AttemptOutcome::Failed,
    };
    let waited = now_ms.saturating_sub(head_since_ms).max(0);
    let note = format!(
        "ordering_blocked: the head of its ordering key for {waited} ms, its next attempt would \
         pass maxBlockMs ({} ms): given up so the rest of its key can go",
        policy.max_block_ms
    );
    let error = match error {
        Some(e) => format!("{e}; {note}"),
        None => note,
    };
    Finished::new(
        outcome,
        Plan::GiveUp {
            reason: PlanReason::Endpoint(EndpointReason::OrderingBlocked),
        },
        status,
        Some(error),
    )
}

/// An attempt's result for the head of an ordering key that became the head at
/// `head_since_ms`, at `now_ms`: unchanged unless it plans a retry past `max_block_ms` after
/// that ([`past_block`]), which gives the delivery up instead ([`give_up`]).
pub fn bound(
    finished: Finished,
    head_since_ms: i64,
    policy: &OrderingPolicy,
    now_ms: i64,
) -> Finished {
    match finished.plan {
        Plan::Retry { at_ms, .. } if past_block(head_since_ms, policy, at_ms) => give_up(
            finished.outcome,
            finished.status,
            finished.error,
            head_since_ms,
            policy,
            now_ms,
        ),
        _ => finished,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::DeliveryState;
    use crate::retry::Reason;

    fn retry_at(at_ms: i64) -> Finished {
        Finished::new(
            AttemptOutcome::Retry,
            Plan::Retry {
                at_ms,
                delay_ms: 1000,
                attempt: 2,
                reason: PlanReason::Retry(Reason::ServerError),
            },
            Some(500),
            None,
        )
    }

    #[test]
    fn a_head_past_its_block_is_given_up() {
        let p = OrderingPolicy {
            max_block_ms: 10_000,
        };
        assert_eq!(bound(retry_at(10_000), 0, &p, 5_000), retry_at(10_000));
        let given = bound(retry_at(10_001), 0, &p, 5_000);
        assert_eq!(given.outcome, AttemptOutcome::Failed);
        assert_eq!(given.state, DeliveryState::Failed);
        assert_eq!(given.status, Some(500));
        assert!(given.error.unwrap().starts_with("ordering_blocked: "));
    }

    #[test]
    fn keys() {
        assert_eq!(key_for(false, Some("a")).unwrap(), None);
        assert_eq!(key_for(true, None).unwrap(), Some(String::new()));
        assert_eq!(
            key_for(true, Some("cus_1")).unwrap(),
            Some("cus_1".to_owned())
        );
        assert!(key_for(false, Some("")).is_err());
        assert!(key_for(true, Some("a\nb")).is_err());
        assert!(key_for(true, Some(&"x".repeat(257))).is_err());
        assert!(OrderingPolicy { max_block_ms: 0 }.validate().is_err());
    }
}
