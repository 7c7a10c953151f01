//! The sender's retry decisions: when to try a delivery again, when to give up, and when the
//! endpoint itself should be switched off.
//!
//! Everything here is a pure function of its arguments. The caller passes the clock (`nowMs`, unix
//! milliseconds) and the randomness for jitter (`rand`, any 32-bit integer, e.g. from
//! `crypto.getRandomValues(new Uint32Array(1))[0]` or from [`SplitMix64`] in a deterministic test
//! mode) and gets a [`Decision`] back; it then sleeps, schedules a job or updates the endpoint
//! itself.
//!
//! Units: instants are unix milliseconds (`i64`), waits are milliseconds (`u64`). Attempt numbers
//! are 1-based: attempt 1 is the first delivery, sent as soon as the event is enqueued.
//!
//! The JSON shapes (the serde representation, which the JS package reads and writes):
//!
//! - policy: `{ "preset": "standard-webhooks" }`, `{ "preset": "svix" }`,
//!   `{ "schedule": [0, 30000, 300000] }` or
//!   `{ "exponential": { "baseMs": 1000, "factor": 2, "maxMs": 3600000, "attempts": 8 } }`,
//!   each optionally with `"maxAttempts"`, `"jitter"`, `"retryOn4xx"`, `"retryStatuses"` and
//!   `"maxRetryAfterMs"`;
//!   `{}` is the Standard Webhooks schedule without jitter;
//! - jitter: `{ "kind": "none" }`, `{ "kind": "full" }`, `{ "kind": "percent", "percent": 20 }`;
//! - outcome: `{ "kind": "status", "status": 503, "retryAfter": "120" }`, `{ "kind": "networkError" }`,
//!   `{ "kind": "timeout" }`;
//! - decision: `{ "kind": "retry", "atMs": 1700000005000, "delayMs": 5000, "attempt": 2,
//!   "reason": "server_error", "status": 503 }`, `{ "kind": "delivered", "status": 200 }`,
//!   `{ "kind": "giveUp", "reason": "exhausted", "cause": "timeout" }`,
//!   `{ "kind": "disableEndpoint", "reason": "gone", "status": 410 }`.
//!
//! Unknown fields are rejected, so a misspelt option fails loudly instead of being ignored.

use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Most attempts a policy may make, the first included.
pub const MAX_ATTEMPTS: u32 = 100;
/// Longest single wait a policy may configure: 30 days. Longer is almost surely a unit mistake
/// (seconds given as milliseconds are 1000 times too short, the reverse 1000 times too long).
pub const MAX_DELAY_MS: u64 = 30 * 24 * 60 * 60 * 1000;
/// Default cap on how long a receiver's `Retry-After` may push a retry out: one hour. A receiver
/// asking for more is still retried after one hour (or after the scheduled delay, if longer).
pub const DEFAULT_MAX_RETRY_AFTER_MS: u64 = 60 * 60 * 1000;
/// Most entries in `retryStatuses`.
pub const MAX_RETRY_STATUSES: usize = 100;

const SECOND: u64 = 1000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;

/// Waits before each attempt of the Standard Webhooks recommendation (10 attempts, about 3.1
/// days in all).
const STANDARD_WEBHOOKS_DELAYS: [u64; 10] = [
    0,
    5 * SECOND,
    5 * MINUTE,
    30 * MINUTE,
    2 * HOUR,
    5 * HOUR,
    10 * HOUR,
    14 * HOUR,
    20 * HOUR,
    24 * HOUR,
];

/// Waits before each attempt of Svix's schedule (8 attempts, about 27.6 hours in all).
const SVIX_DELAYS: [u64; 8] = [
    0,
    5 * SECOND,
    5 * MINUTE,
    30 * MINUTE,
    2 * HOUR,
    5 * HOUR,
    10 * HOUR,
    10 * HOUR,
];

/// A named, published retry schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// `"standard-webhooks"`: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and
    /// 24 h after the previous attempt: 10 attempts.
    StandardWebhooks,
    /// `"svix"`: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the previous
    /// attempt: 8 attempts.
    Svix,
}

impl Preset {
    /// The wait before each attempt, in milliseconds; the first is 0.
    pub fn delays(self) -> &'static [u64] {
        match self {
            Preset::StandardWebhooks => &STANDARD_WEBHOOKS_DELAYS,
            Preset::Svix => &SVIX_DELAYS,
        }
    }
}

/// Exponential backoff: the wait before attempt `n + 1` is `min(baseMs × factor^(n−1), maxMs)`,
/// so attempt 2 waits `baseMs`, attempt 3 `baseMs × factor`, and so on.
///
/// NOTE: the power is computed by repeated multiplication in double precision and rounded to the
/// nearest millisecond (halves away from zero), so a factor such as 1.1 gives the same numbers in
/// Rust and in JS but may differ from exact decimal arithmetic by a millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Exponential {
    /// Wait before the second attempt: 1 ms to 30 days.
    pub base_ms: u64,
    /// Growth per attempt: a finite number, at least 1 (1 gives a constant wait).
    pub factor: f64,
    /// Cap on any one wait: at least `baseMs`, at most 30 days.
    pub max_ms: u64,
    /// Attempts in all, the first included: 1 to 100.
    pub attempts: u32,
}

impl Exponential {
    /// The wait before attempt `attempt` (2 or more), before jitter.
    fn delay_before(&self, attempt: u32) -> u64 {
        // NOTE: `as` from u64 to f64 is exact below 2^53, which every valid delay is.
        let max = self.max_ms as f64;
        let mut delay = self.base_ms as f64;
        // The bound only matters for an unvalidated policy with billions of attempts.
        for _ in 2..attempt.min(MAX_ATTEMPTS) {
            // Stop once at the cap: the power only grows, and stopping keeps it finite.
            if delay.is_nan() || delay >= max {
                break;
            }
            delay *= self.factor;
        }
        if delay.is_nan() || delay >= max {
            // NaN only from an unvalidated factor.
            return self.max_ms;
        }
        // NOTE: `as` from f64 to u64 saturates (negative becomes 0); never panics.
        (delay.round() as u64).min(self.max_ms)
    }
}

/// Where the waits come from. In JSON the variant is the key: `"preset"`, `"schedule"` or
/// `"exponential"` (see [`RetryPolicy`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Schedule {
    /// A published schedule.
    Preset(Preset),
    /// `"schedule"`: the wait before each attempt in milliseconds, one entry per attempt. The first
    /// entry must be 0 (the first attempt is not delayed); e.g. `[0, 30000, 300000]` is three
    /// attempts: now, 30 s later, and 5 min after that.
    #[serde(rename = "schedule")]
    Delays(Vec<u64>),
    /// Exponential backoff.
    Exponential(Exponential),
}

/// Randomness added to each scheduled wait so that many failed deliveries do not all retry at the
/// same instant. Jitter never makes a wait negative nor longer than the policy's longest
/// scheduled wait (its largest `schedule` entry, or `maxMs` for exponential backoff); it does not
/// apply to `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "JitterRepr", into = "JitterRepr")]
pub enum Jitter {
    /// `{ "kind": "none" }`: wait exactly the scheduled time.
    #[default]
    None,
    /// `{ "kind": "full" }`: a whole number of milliseconds, uniform in `[0, delay]`.
    Full,
    /// `{ "kind": "percent", "percent": 20 }`: `delay × (1 + p × (2r − 1))` with `p = percent/100`
    /// and `r = rand / 2^32`, i.e. within ±`percent` % of the scheduled wait, rounded down to
    /// the millisecond. `percent` is 0 to 100.
    Percent { percent: u32 },
}

impl Jitter {
    /// Apply this jitter to `delay_ms` with the random value `rand` (read as `rand / 2^32`, a
    /// fraction in `[0, 1)`), then clamp to `[0, max_ms]`.
    ///
    /// A `percent` above 100 is treated as 100 here; policy validation rejects it before.
    pub fn apply(&self, delay_ms: u64, max_ms: u64, rand: u32) -> u64 {
        let jittered = match *self {
            Jitter::None => delay_ms,
            Jitter::Full => {
                // floor((delay + 1) × rand / 2^32): every whole millisecond in [0, delay]
                // equally likely, up to rounding.
                let scaled = u128::from(delay_ms)
                    .saturating_add(1)
                    .saturating_mul(u128::from(rand));
                u64::try_from(scaled.checked_shr(32).unwrap_or(0)).unwrap_or(u64::MAX)
            }
            Jitter::Percent { percent } => percent_jitter(delay_ms, percent.min(100), rand),
        };
        jittered.min(max_ms)
    }
}

/// The JSON form of [`Jitter`]. NOTE: serde's derive would accept `{ "kind": "full", "percent": 10 }`
/// (unit variants of a tagged enum ignore extra fields); this form rejects it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JitterRepr {
    kind: JitterKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    percent: Option<u32>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum JitterKind {
    None,
    Full,
    Percent,
}

impl TryFrom<JitterRepr> for Jitter {
    type Error = &'static str;

    fn try_from(repr: JitterRepr) -> Result<Self, Self::Error> {
        match (repr.kind, repr.percent) {
            (JitterKind::None, None) => Ok(Jitter::None),
            (JitterKind::Full, None) => Ok(Jitter::Full),
            (JitterKind::Percent, Some(percent)) => Ok(Jitter::Percent { percent }),
            (JitterKind::Percent, None) => Err("percent jitter needs percent"),
            (_, Some(_)) => Err("only percent jitter takes percent"),
        }
    }
}

impl From<Jitter> for JitterRepr {
    fn from(jitter: Jitter) -> Self {
        let (kind, percent) = match jitter {
            Jitter::None => (JitterKind::None, None),
            Jitter::Full => (JitterKind::Full, None),
            Jitter::Percent { percent } => (JitterKind::Percent, Some(percent)),
        };
        JitterRepr { kind, percent }
    }
}

/// `delay + floor(delay × percent × (2·rand − 2^32) / (100 · 2^32))`, at least 0: the exact
/// integer form of `delay × (1 + p × (2r − 1))`.
fn percent_jitter(delay_ms: u64, percent: u32, rand: u32) -> u64 {
    const TWO_POW_32: i128 = 1 << 32;
    let delay = i128::from(delay_ms);
    let spread = i128::from(rand)
        .saturating_mul(2)
        .saturating_sub(TWO_POW_32);
    let offset = delay
        .saturating_mul(i128::from(percent))
        .saturating_mul(spread)
        .checked_div_euclid(TWO_POW_32.saturating_mul(100))
        .unwrap_or(0);
    let jittered = delay.saturating_add(offset);
    u64::try_from(jittered.max(0)).unwrap_or(u64::MAX)
}

/// How a sender retries failed deliveries. Build one with [`RetryPolicy::standard_webhooks`],
/// [`RetryPolicy::svix`], [`RetryPolicy::exponential`] or [`RetryPolicy::schedule`], or read it
/// from JSON:
///
/// ```json
/// { "preset": "svix", "jitter": { "kind": "percent", "percent": 10 }, "retryStatuses": [409] }
/// ```
///
/// Exactly one of `preset`, `schedule` and `exponential` may be given; none means
/// `"standard-webhooks"`. The other fields are optional.
///
/// A policy is checked (see [`RetryPolicy::validate`]) by every function that uses it, so one read
/// from storage cannot smuggle in a 0-attempt or 300-year schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PolicyRepr", into = "PolicyRepr")]
pub struct RetryPolicy {
    /// The waits between attempts and how many attempts there are.
    pub schedule: Schedule,
    /// `"maxAttempts"`: stop after this many attempts (the first included), keeping the
    /// schedule's first waits: `{ "preset": "svix", "maxAttempts": 3 }` is now, 5 s, 5 min.
    /// 1 to the schedule's own number of attempts (a cap that could never apply is refused, so
    /// a mistaken "more attempts" does not pass silently). Default: the whole schedule.
    pub max_attempts: Option<u32>,
    /// `"jitter"`: randomness added to each scheduled wait. Default: none.
    pub jitter: Jitter,
    /// `"retryOn4xx"`: retry every 4xx response (except 410 Gone, which still disables the
    /// endpoint) instead of giving up. Default: false, since a request the receiver rejects
    /// as malformed or unauthorized is usually rejected again.
    pub retry_on_4xx: bool,
    /// `"retryStatuses"`: further 4xx statuses to retry, e.g. `[409, 423, 425]`. Listing 410 retries
    /// it instead of disabling the endpoint. Default: none.
    pub retry_statuses: Vec<u16>,
    /// `"maxRetryAfterMs"`: the longest wait a receiver's `Retry-After` can ask for; longer requests
    /// are cut to this. 0 ignores `Retry-After`. Default: 1 hour; at most 30 days.
    pub max_retry_after_ms: u64,
}

impl Default for RetryPolicy {
    /// The Standard Webhooks schedule, no jitter.
    fn default() -> Self {
        RetryPolicy::standard_webhooks()
    }
}

impl RetryPolicy {
    fn with_schedule(schedule: Schedule) -> Self {
        RetryPolicy {
            schedule,
            max_attempts: None,
            jitter: Jitter::None,
            retry_on_4xx: false,
            retry_statuses: Vec::new(),
            max_retry_after_ms: DEFAULT_MAX_RETRY_AFTER_MS,
        }
    }

    /// The Standard Webhooks recommendation: 10 attempts over about 3.1 days.
    pub fn standard_webhooks() -> Self {
        Self::with_schedule(Schedule::Preset(Preset::StandardWebhooks))
    }

    /// Svix's schedule: 8 attempts over about 27.6 hours.
    pub fn svix() -> Self {
        Self::with_schedule(Schedule::Preset(Preset::Svix))
    }

    /// Exponential backoff (see [`Exponential`]); checked when used.
    pub fn exponential(base_ms: u64, factor: f64, max_ms: u64, attempts: u32) -> Self {
        Self::with_schedule(Schedule::Exponential(Exponential {
            base_ms,
            factor,
            max_ms,
            attempts,
        }))
    }

    /// An explicit schedule: the wait before each attempt, the first being 0; checked when used.
    pub fn schedule(delays_ms: Vec<u64>) -> Self {
        Self::with_schedule(Schedule::Delays(delays_ms))
    }

    /// The same policy stopped after `max_attempts` attempts; checked when used.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = Some(max_attempts);
        self
    }

    /// The same policy with another jitter.
    pub fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Check that the policy can be applied; the error says what is wrong (`invalid_policy`).
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |reason| Err(Error::InvalidPolicy { reason });
        match &self.schedule {
            Schedule::Preset(_) => {}
            Schedule::Delays(delays) => {
                match delays.first() {
                    None => return invalid("schedule is empty"),
                    Some(0) => {}
                    Some(_) => {
                        return invalid(
                            "schedule must start with 0: the first attempt is immediate",
                        )
                    }
                }
                if delays.len() > MAX_ATTEMPTS as usize {
                    return invalid("schedule has more than 100 attempts");
                }
                if delays.iter().any(|&d| d > MAX_DELAY_MS) {
                    return invalid("a delay in the schedule is longer than 30 days");
                }
            }
            Schedule::Exponential(e) => {
                if e.attempts == 0 || e.attempts > MAX_ATTEMPTS {
                    return invalid("attempts must be 1 to 100");
                }
                if !e.factor.is_finite() || e.factor < 1.0 {
                    return invalid("factor must be a finite number of at least 1");
                }
                if e.base_ms == 0 || e.base_ms > MAX_DELAY_MS {
                    return invalid("base delay must be 1 ms to 30 days");
                }
                if e.max_ms < e.base_ms || e.max_ms > MAX_DELAY_MS {
                    return invalid(
                        "max delay must be at least the base delay and at most 30 days",
                    );
                }
            }
        }
        if let Some(max) = self.max_attempts {
            if max == 0 {
                return invalid("max attempts must be at least 1");
            }
            if max > self.schedule_attempts() {
                return invalid("max attempts is more than the schedule's attempts");
            }
        }
        if let Jitter::Percent { percent } = self.jitter {
            if percent > 100 {
                return invalid("jitter percent must be 0 to 100");
            }
        }
        if self.retry_statuses.len() > MAX_RETRY_STATUSES {
            return invalid("more than 100 retry statuses");
        }
        if self.retry_statuses.iter().any(|s| !(400..=499).contains(s)) {
            return invalid("retry statuses must be 4xx codes");
        }
        if self.max_retry_after_ms > MAX_DELAY_MS {
            return invalid("max retry-after must be at most 30 days");
        }
        Ok(())
    }

    /// Attempts in all, the first included: the schedule's, or fewer with `maxAttempts`.
    pub fn attempts(&self) -> u32 {
        let all = self.schedule_attempts();
        self.max_attempts.map_or(all, |max| max.min(all))
    }

    /// The schedule's own number of attempts, before `maxAttempts`.
    fn schedule_attempts(&self) -> u32 {
        match &self.schedule {
            Schedule::Preset(p) => u32::try_from(p.delays().len()).unwrap_or(u32::MAX),
            Schedule::Delays(d) => u32::try_from(d.len()).unwrap_or(u32::MAX),
            Schedule::Exponential(e) => e.attempts,
        }
    }

    /// The scheduled wait (no jitter, no `Retry-After`) before attempt `attempt`, counted from
    /// the end of the previous attempt; 0 for attempt 1; `None` for attempt 0 or past the last.
    /// Meaningful for a valid policy only (see [`RetryPolicy::validate`]).
    pub fn delay_before(&self, attempt: u32) -> Option<u64> {
        if attempt == 0 || attempt > self.attempts() {
            return None;
        }
        if attempt == 1 {
            return Some(0);
        }
        let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
        match &self.schedule {
            Schedule::Preset(p) => p.delays().get(index).copied(),
            Schedule::Delays(d) => d.get(index).copied(),
            Schedule::Exponential(e) => Some(e.delay_before(attempt)),
        }
    }

    /// The longest scheduled wait of the attempts made: jitter is clamped to it. For exponential
    /// backoff this is `maxMs`, whether or not the schedule reaches it.
    pub(crate) fn schedule_cap(&self) -> u64 {
        let kept = usize::try_from(self.attempts()).unwrap_or(usize::MAX);
        match &self.schedule {
            Schedule::Preset(p) => p.delays().iter().take(kept).copied().max().unwrap_or(0),
            Schedule::Delays(d) => d.iter().take(kept).copied().max().unwrap_or(0),
            Schedule::Exponential(e) => e.max_ms,
        }
    }

    /// The longest wait [`next_attempt`] can return under this policy: the longest scheduled wait
    /// or `maxRetryAfterMs`, whichever is larger.
    pub fn max_delay_ms(&self) -> u64 {
        self.schedule_cap().max(self.max_retry_after_ms)
    }
}

/// The JSON form of [`RetryPolicy`]: the schedule's variant is a key next to the options.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PolicyRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preset: Option<Preset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schedule: Option<Vec<u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exponential: Option<Exponential>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_attempts: Option<u32>,
    #[serde(default)]
    jitter: Jitter,
    #[serde(default)]
    retry_on_4xx: bool,
    #[serde(default)]
    retry_statuses: Vec<u16>,
    #[serde(default = "default_max_retry_after_ms")]
    max_retry_after_ms: u64,
}

fn default_max_retry_after_ms() -> u64 {
    DEFAULT_MAX_RETRY_AFTER_MS
}

impl TryFrom<PolicyRepr> for RetryPolicy {
    type Error = Error;

    fn try_from(repr: PolicyRepr) -> Result<Self, Error> {
        let schedule = match (repr.preset, repr.schedule, repr.exponential) {
            (None, None, None) => Schedule::Preset(Preset::StandardWebhooks),
            (Some(p), None, None) => Schedule::Preset(p),
            (None, Some(d), None) => Schedule::Delays(d),
            (None, None, Some(e)) => Schedule::Exponential(e),
            _ => {
                return Err(Error::InvalidPolicy {
                    reason: "give only one of preset, schedule and exponential",
                })
            }
        };
        Ok(RetryPolicy {
            schedule,
            max_attempts: repr.max_attempts,
            jitter: repr.jitter,
            retry_on_4xx: repr.retry_on_4xx,
            retry_statuses: repr.retry_statuses,
            max_retry_after_ms: repr.max_retry_after_ms,
        })
    }
}

impl From<RetryPolicy> for PolicyRepr {
    fn from(policy: RetryPolicy) -> Self {
        let (preset, schedule, exponential) = match policy.schedule {
            Schedule::Preset(p) => (Some(p), None, None),
            Schedule::Delays(d) => (None, Some(d), None),
            Schedule::Exponential(e) => (None, None, Some(e)),
        };
        PolicyRepr {
            preset,
            schedule,
            exponential,
            max_attempts: policy.max_attempts,
            jitter: policy.jitter,
            retry_on_4xx: policy.retry_on_4xx,
            retry_statuses: policy.retry_statuses,
            max_retry_after_ms: policy.max_retry_after_ms,
        }
    }
}

/// What came of one delivery attempt, as the caller observed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "OutcomeRepr", into = "OutcomeRepr")]
pub enum Outcome {
    /// `{ "kind": "status", "status": 503, "retryAfter": "120" }`: the receiver answered.
    /// `status` must be 100 to 599. `retryAfter` is the raw `Retry-After` header, if any.
    /// Redirects must not have been followed: pass the 3xx itself.
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    /// `{ "kind": "networkError" }`: no response: DNS, connection refused or reset, TLS failure.
    NetworkError,
    /// `{ "kind": "timeout" }`: the caller's own deadline passed before a response arrived.
    Timeout,
}

impl Outcome {
    /// A response without `Retry-After`.
    pub fn status(status: u16) -> Self {
        Outcome::Status {
            status,
            retry_after: None,
        }
    }

    /// A response with a `Retry-After` header value.
    pub fn status_with_retry_after(status: u16, retry_after: impl Into<String>) -> Self {
        Outcome::Status {
            status,
            retry_after: Some(retry_after.into()),
        }
    }
}

/// The JSON form of [`Outcome`], strict like [`JitterRepr`]: `{ "kind": "timeout", "status": 504 }`
/// is an error, not a timeout.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OutcomeRepr {
    kind: OutcomeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after: Option<String>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum OutcomeKind {
    Status,
    NetworkError,
    Timeout,
}

impl TryFrom<OutcomeRepr> for Outcome {
    type Error = &'static str;

    fn try_from(repr: OutcomeRepr) -> Result<Self, Self::Error> {
        match (repr.kind, repr.status, repr.retry_after) {
            (OutcomeKind::Status, Some(status), retry_after) => Ok(Outcome::Status {
                status,
                retry_after,
            }),
            (OutcomeKind::Status, None, _) => Err("a status outcome needs status"),
            (OutcomeKind::NetworkError, None, None) => Ok(Outcome::NetworkError),
            (OutcomeKind::Timeout, None, None) => Ok(Outcome::Timeout),
            _ => Err("only a status outcome takes status and retryAfter"),
        }
    }
}

impl From<Outcome> for OutcomeRepr {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Status {
                status,
                retry_after,
            } => OutcomeRepr {
                kind: OutcomeKind::Status,
                status: Some(status),
                retry_after,
            },
            Outcome::NetworkError => OutcomeRepr {
                kind: OutcomeKind::NetworkError,
                status: None,
                retry_after: None,
            },
            Outcome::Timeout => OutcomeRepr {
                kind: OutcomeKind::Timeout,
                status: None,
                retry_after: None,
            },
        }
    }
}

/// Why a decision was taken: a stable, machine-readable string. New reasons may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// `"informational"`: a 1xx status as the final answer; the exchange never finished.
    Informational,
    /// `"redirect"`: a 3xx status. Redirects are not followed: the endpoint URL should be fixed.
    Redirect,
    /// `"client_error"`: a 4xx status other than 408, 410 and 429.
    ClientError,
    /// `"gone"`: 410 Gone: the receiver says the endpoint no longer exists.
    Gone,
    /// `"timeout"`: the caller's deadline passed, or the receiver answered 408.
    Timeout,
    /// `"rate_limited"`: 429 Too Many Requests.
    RateLimited,
    /// `"server_error"`: a 5xx status.
    ServerError,
    /// `"network_error"`: no response at all.
    NetworkError,
    /// `"exhausted"`: the last attempt the policy allows has failed.
    Exhausted,
}

impl Reason {
    /// The JSON string, e.g. `"server_error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Informational => "informational",
            Reason::Redirect => "redirect",
            Reason::ClientError => "client_error",
            Reason::Gone => "gone",
            Reason::Timeout => "timeout",
            Reason::RateLimited => "rate_limited",
            Reason::ServerError => "server_error",
            Reason::NetworkError => "network_error",
            Reason::Exhausted => "exhausted",
        }
    }
}

/// What an outcome means under a policy, regardless of how many attempts are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Classification {
    /// `{ "kind": "delivered", "status": 204 }`: a 2xx status.
    Delivered { status: u16 },
    /// `{ "kind": "retryable", "reason": "server_error", "status": 503 }`: worth another attempt;
    /// `status` is absent for network errors and timeouts.
    Retryable {
        reason: Reason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
    /// `{ "kind": "permanent", "reason": "client_error", "status": 404 }`: another attempt would
    /// fail the same way.
    Permanent { reason: Reason, status: u16 },
    /// `{ "kind": "disableEndpoint", "reason": "gone", "status": 410 }`: stop sending to the
    /// endpoint at all.
    DisableEndpoint { reason: Reason, status: u16 },
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Decision {
    /// `{ "kind": "delivered", "status": 200 }`: done.
    Delivered { status: u16 },
    /// `{ "kind": "retry", "atMs": ..., "delayMs": ..., "attempt": 2, "reason": "server_error",
    /// "status": 503, "retryAfterMs": 120000 }`: send attempt `attempt` at `atMs`
    /// (= `nowMs + delayMs`, saturating at the largest i64). `status` is absent for network errors
    /// and timeouts; `retryAfterMs` is present when the receiver sent a usable `Retry-After`
    /// (already cut to `maxRetryAfterMs`), which then was the shortest wait allowed.
    #[serde(rename_all = "camelCase")]
    Retry {
        at_ms: i64,
        delay_ms: u64,
        attempt: u32,
        reason: Reason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
    /// `{ "kind": "giveUp", "reason": "client_error", "status": 404 }` or
    /// `{ "kind": "giveUp", "reason": "exhausted", "cause": "server_error", "status": 503 }`: the
    /// message failed for good. For `exhausted`, `cause` is what the last attempt ran into.
    GiveUp {
        reason: Reason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<Reason>,
    },
    /// `{ "kind": "disableEndpoint", "reason": "gone", "status": 410 }`: the message failed and the
    /// endpoint should be disabled, so later messages are not sent to it either.
    DisableEndpoint { reason: Reason, status: u16 },
}

/// Classify an outcome under `policy` (its `retryOn4xx` and `retryStatuses`):
///
/// - 2xx: delivered;
/// - 1xx: retryable (`informational`): a final 1xx means the exchange never finished;
/// - 3xx: permanent (`redirect`): redirects are not followed;
/// - 408: retryable (`timeout`); 429: retryable (`rate_limited`);
/// - 410: disable the endpoint (`gone`), unless `retryStatuses` lists 410;
/// - other 4xx: permanent (`client_error`), unless `retryOn4xx` or listed in `retryStatuses`;
/// - 5xx: retryable (`server_error`);
/// - network error, timeout: retryable (`network_error`, `timeout`).
///
/// A status outside 100 to 599 is an `invalid_argument` error: no HTTP response carries one, so it
/// is a bug in the caller (fetch's network-error status 0, say) rather than a receiver to retry.
pub fn classify(policy: &RetryPolicy, outcome: &Outcome) -> Result<Classification, Error> {
    policy.validate()?;
    classify_valid(policy, outcome)
}

fn classify_valid(policy: &RetryPolicy, outcome: &Outcome) -> Result<Classification, Error> {
    let status = match outcome {
        Outcome::NetworkError => {
            return Ok(Classification::Retryable {
                reason: Reason::NetworkError,
                status: None,
            })
        }
        Outcome::Timeout => {
            return Ok(Classification::Retryable {
                reason: Reason::Timeout,
                status: None,
            })
        }
        Outcome::Status { status, .. } => *status,
    };
    let retryable = |reason| {
        Ok(Classification::Retryable {
            reason,
            status: Some(status),
        })
    };
    match status {
        100..=199 => retryable(Reason::Informational),
        200..=299 => Ok(Classification::Delivered { status }),
        300..=399 => Ok(Classification::Permanent {
            reason: Reason::Redirect,
            status,
        }),
        400..=499 if policy.retry_statuses.contains(&status) => retryable(match status {
            408 => Reason::Timeout,
            410 => Reason::Gone,
            429 => Reason::RateLimited,
            _ => Reason::ClientError,
        }),
        408 => retryable(Reason::Timeout),
        429 => retryable(Reason::RateLimited),
        410 => Ok(Classification::DisableEndpoint {
            reason: Reason::Gone,
            status,
        }),
        400..=499 if policy.retry_on_4xx => retryable(Reason::ClientError),
        400..=499 => Ok(Classification::Permanent {
            reason: Reason::ClientError,
            status,
        }),
        500..=599 => retryable(Reason::ServerError),
        _ => Err(Error::InvalidArgument {
            reason: "status must be 100 to 599",
        }),
    }
}

/// Decide what follows attempt `attempt_number` (1-based, the attempt that just finished) given
/// its `outcome`, the clock `now_ms` (unix ms, when the outcome was observed) and `rand` for
/// jitter.
///
/// A retryable outcome is retried after the scheduled wait for the next attempt, with jitter,
/// but no sooner than the receiver's `Retry-After` (capped at `maxRetryAfterMs`; honoured on any
/// retryable status, ignored when unparseable or not in the future). Once `attempt_number` reaches
/// the policy's attempts (or passes them, e.g. after the policy was shortened while a message was
/// in flight) a retryable outcome gives up with reason `exhausted`. Delivered, permanent and
/// disabling outcomes are decided the same at any attempt number.
///
/// Errors: `invalid_policy` from [`RetryPolicy::validate`]; `invalid_argument` for attempt number 0
/// or a status outside 100 to 599.
pub fn next_attempt(
    policy: &RetryPolicy,
    attempt_number: u32,
    outcome: &Outcome,
    now_ms: i64,
    rand: u32,
) -> Result<Decision, Error> {
    policy.validate()?;
    if attempt_number == 0 {
        return Err(Error::InvalidArgument {
            reason: "attempt numbers start at 1",
        });
    }
    let (reason, status) = match classify_valid(policy, outcome)? {
        Classification::Delivered { status } => return Ok(Decision::Delivered { status }),
        Classification::Permanent { reason, status } => {
            return Ok(Decision::GiveUp {
                reason,
                status: Some(status),
                cause: None,
            })
        }
        Classification::DisableEndpoint { reason, status } => {
            return Ok(Decision::DisableEndpoint { reason, status })
        }
        Classification::Retryable { reason, status } => (reason, status),
    };
    let next = attempt_number.checked_add(1);
    let Some((attempt, scheduled)) = next.and_then(|n| Some((n, policy.delay_before(n)?))) else {
        return Ok(Decision::GiveUp {
            reason: Reason::Exhausted,
            status,
            cause: Some(reason),
        });
    };
    let jittered = policy.jitter.apply(scheduled, policy.schedule_cap(), rand);
    let retry_after_ms = match outcome {
        Outcome::Status {
            retry_after: Some(value),
            ..
        } if policy.max_retry_after_ms > 0 => {
            parse_retry_after(value, now_ms).map(|wait| wait.min(policy.max_retry_after_ms))
        }
        _ => None,
    };
    let delay_ms = jittered.max(retry_after_ms.unwrap_or(0));
    Ok(Decision::Retry {
        at_ms: now_ms.saturating_add_unsigned(delay_ms),
        delay_ms,
        attempt,
        reason,
        status,
        retry_after_ms,
    })
}

/// Longest `Retry-After` value read; anything longer is garbage (an IMF-fixdate is 29 bytes).
const MAX_RETRY_AFTER_LEN: usize = 64;

/// Read a `Retry-After` header value as a wait in milliseconds from `now_ms`: either
/// delay-seconds (digits only, e.g. `"120"`; huge values saturate) or an HTTP date in any of the
/// three forms HTTP allows (`Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`,
/// `Sun Nov  6 08:49:37 1994`), with a correct weekday. Surrounding whitespace is ignored.
///
/// `None` when the value is unparseable (negative, fractional, with units, ...) or a date not after
/// `now_ms`: such a header is ignored, not an error, since it is the receiver's mistake.
pub fn parse_retry_after(value: &str, now_ms: i64) -> Option<u64> {
    if value.len() > MAX_RETRY_AFTER_LEN {
        return None;
    }
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.bytes().fold(0u64, |acc, b| {
            acc.saturating_mul(10)
                .saturating_add(u64::from(b.saturating_sub(b'0')))
        });
        return Some(seconds.saturating_mul(1000));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let date_ms = i128::try_from(date.duration_since(UNIX_EPOCH).ok()?.as_millis()).ok()?;
    let wait = date_ms.checked_sub(i128::from(now_ms))?;
    if wait <= 0 {
        return None;
    }
    Some(u64::try_from(wait).unwrap_or(u64::MAX))
}

/// The offset of every attempt from the first, in milliseconds, without jitter or `Retry-After`:
/// `[0, 5000, 305000, ...]` for the Standard Webhooks schedule. For timelines in a UI.
pub fn schedule_offsets(policy: &RetryPolicy) -> Result<Vec<u64>, Error> {
    policy.validate()?;
    let mut offsets = Vec::with_capacity(policy.attempts() as usize);
    let mut total = 0u64;
    for attempt in 1..=policy.attempts() {
        total = total.saturating_add(policy.delay_before(attempt).unwrap_or(0));
        offsets.push(total);
    }
    Ok(offsets)
}

/// A tiny seeded pseudo-random generator (SplitMix64, Steele, Lea and Flood 2014) for the `rand`
/// argument when runs must be reproducible: tests, simulations, a deterministic mode at the JS
/// edge.
///
/// NOTE: not cryptographic and not meant to be: use it for jitter only, never for secrets or ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`; equal seeds give equal sequences.
    pub const fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The internal state, to store and later resume with [`SplitMix64::new`].
    pub const fn state(&self) -> u64 {
        self.state
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ z.wrapping_shr(30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ z.wrapping_shr(27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ z.wrapping_shr(31)
    }

    /// The next 32 random bits: the high half of [`SplitMix64::next_u64`].
    pub fn next_u32(&mut self) -> u32 {
        // NOTE: truncating `as` keeps exactly the high 32 bits after the shift.
        self.next_u64().wrapping_shr(32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_700_000_000_000;

    fn retry_delay(d: Decision) -> u64 {
        match d {
            Decision::Retry { delay_ms, .. } => delay_ms,
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    #[test]
    fn presets_match_their_published_schedules() {
        let sw = RetryPolicy::standard_webhooks();
        assert_eq!(sw.attempts(), 10);
        assert_eq!(sw.delay_before(2), Some(5_000));
        assert_eq!(sw.delay_before(10), Some(86_400_000));
        assert_eq!(sw.delay_before(11), None);
        let svix = RetryPolicy::svix();
        assert_eq!(svix.attempts(), 8);
        assert_eq!(svix.delay_before(8), Some(36_000_000));
        assert_eq!(RetryPolicy::default(), sw);
    }

    #[test]
    fn exponential_grows_then_caps() {
        let p = RetryPolicy::exponential(1_000, 2.0, 60_000, 10);
        let got: Vec<_> = (1..=11).map(|a| p.delay_before(a)).collect();
        let want = [
            0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
        ];
        let want: Vec<_> = want.iter().copied().map(Some).chain([None]).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn exponential_rounds_half_away_from_zero() {
        // 500 × 1.5^3 = 1687.5
        let p = RetryPolicy::exponential(500, 1.5, 10_000, 8);
        assert_eq!(p.delay_before(5), Some(1_688));
    }

    #[test]
    fn clock_extremes_saturate() {
        let p = RetryPolicy::standard_webhooks();
        let d = next_attempt(&p, 1, &Outcome::status(503), i64::MAX, 0).unwrap();
        assert!(matches!(
            d,
            Decision::Retry {
                at_ms: i64::MAX,
                delay_ms: 5_000,
                ..
            }
        ));
        let d = next_attempt(&p, 1, &Outcome::Timeout, i64::MIN, 0).unwrap();
        assert!(matches!(d, Decision::Retry { at_ms, .. } if at_ms == i64::MIN + 5_000));
    }

    #[test]
    fn retry_after_huge_seconds_saturate_then_cap() {
        assert_eq!(
            parse_retry_after("99999999999999999999999", 0),
            Some(u64::MAX)
        );
        let p = RetryPolicy::standard_webhooks();
        let o = Outcome::status_with_retry_after(429, "99999999999999999999999");
        assert_eq!(
            retry_delay(next_attempt(&p, 1, &o, NOW, 0).unwrap()),
            DEFAULT_MAX_RETRY_AFTER_MS
        );
    }

    #[test]
    fn retry_after_overlong_value_ignored() {
        let long = "1".repeat(MAX_RETRY_AFTER_LEN + 1);
        assert_eq!(parse_retry_after(&long, 0), None);
    }

    #[test]
    fn retry_after_before_1970_or_from_a_negative_clock() {
        // A date is always after a clock before 1970.
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:01 GMT", -1_000),
            Some(2_000)
        );
        assert_eq!(
            parse_retry_after("Wed, 31 Dec 1969 23:59:59 GMT", -5_000),
            None
        );
    }

    #[test]
    fn policy_json_round_trips() {
        let policies = [
            RetryPolicy::svix().with_jitter(Jitter::Percent { percent: 10 }),
            RetryPolicy::schedule(vec![0, 30_000]),
            RetryPolicy::exponential(1_000, 1.5, 60_000, 5),
            RetryPolicy::svix().with_max_attempts(3),
            RetryPolicy {
                retry_on_4xx: true,
                retry_statuses: vec![409],
                max_retry_after_ms: 0,
                ..RetryPolicy::standard_webhooks()
            },
        ];
        for p in policies {
            let json = serde_json::to_string(&p).unwrap();
            let back: RetryPolicy = serde_json::from_str(&json).unwrap();
            assert_eq!(back, p, "{json}");
        }
    }

    #[test]
    fn policy_json_shape() {
        let p: RetryPolicy = serde_json::from_str(r#"{"preset":"svix"}"#).unwrap();
        assert_eq!(p, RetryPolicy::svix());
        let p: RetryPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(p, RetryPolicy::standard_webhooks());
        let json = serde_json::to_value(RetryPolicy::schedule(vec![0, 1])).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "schedule": [0, 1], "jitter": { "kind": "none" }, "retryOn4xx": false,
                "retryStatuses": [], "maxRetryAfterMs": 3_600_000
            })
        );
        let err = serde_json::from_str::<RetryPolicy>(r#"{"preset":"svix","schedule":[0]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("only one of"), "{err}");
    }

    #[test]
    fn strict_json_forms_say_what_is_wrong() {
        let err = |json: &str| {
            serde_json::from_str::<Outcome>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(err(r#"{"kind":"timeout","status":504}"#).contains("only a status outcome"));
        assert!(err(r#"{"kind":"status"}"#).contains("needs status"));
        let err = |json: &str| {
            serde_json::from_str::<Jitter>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(err(r#"{"kind":"full","percent":5}"#).contains("only percent jitter"));
        assert!(err(r#"{"kind":"percent"}"#).contains("needs percent"));
        let o = Outcome::status_with_retry_after(503, "120");
        assert_eq!(
            serde_json::to_value(&o).unwrap(),
            serde_json::json!({ "kind": "status", "status": 503, "retryAfter": "120" })
        );
        assert_eq!(
            serde_json::to_value(Outcome::NetworkError).unwrap(),
            serde_json::json!({ "kind": "networkError" })
        );
    }

    #[test]
    fn splitmix64_reference_values() {
        // The sequence for seed 0 as published with the algorithm's reference C code.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let first = a.next_u64();
        assert_eq!(b.next_u32(), (first >> 32) as u32);
        assert_eq!(a.state(), b.state());
    }

    fn arb_outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            Just(Outcome::NetworkError),
            Just(Outcome::Timeout),
            (any::<u16>(), proptest::option::of(".{0,40}")).prop_map(|(status, retry_after)| {
                Outcome::Status {
                    status,
                    retry_after,
                }
            }),
            (100u16..600, proptest::option::of("[0-9]{1,25}")).prop_map(|(status, retry_after)| {
                Outcome::Status {
                    status,
                    retry_after,
                }
            }),
        ]
    }

    fn arb_jitter() -> impl Strategy<Value = Jitter> {
        prop_oneof![
            Just(Jitter::None),
            Just(Jitter::Full),
            (0u32..=100).prop_map(|percent| Jitter::Percent { percent }),
        ]
    }

    fn arb_valid_policy() -> impl Strategy<Value = RetryPolicy> {
        let schedule = prop_oneof![
            Just(Schedule::Preset(Preset::StandardWebhooks)),
            Just(Schedule::Preset(Preset::Svix)),
            proptest::collection::vec(0..=MAX_DELAY_MS, 0..40).prop_map(|mut d| {
                d.insert(0, 0);
                Schedule::Delays(d)
            }),
            (
                1..=MAX_DELAY_MS,
                1.0f64..10.0,
                1u32..=MAX_ATTEMPTS,
                any::<u64>()
            )
                .prop_map(|(base_ms, factor, attempts, extra)| {
                    let max_ms = base_ms + extra % (MAX_DELAY_MS - base_ms + 1);
                    Schedule::Exponential(Exponential {
                        base_ms,
                        factor,
                        max_ms,
                        attempts,
                    })
                }),
        ];
        (
            schedule,
            arb_jitter(),
            any::<bool>(),
            proptest::collection::vec(400u16..500, 0..4),
            0..=MAX_DELAY_MS,
            proptest::option::of(any::<u32>()),
        )
            .prop_map(
                |(schedule, jitter, retry_on_4xx, retry_statuses, max_retry_after_ms, cap)| {
                    let mut policy = RetryPolicy {
                        schedule,
                        max_attempts: None,
                        jitter,
                        retry_on_4xx,
                        retry_statuses,
                        max_retry_after_ms,
                    };
                    // A cap from 1 to the schedule's own attempts.
                    policy.max_attempts = cap.map(|c| 1 + c % policy.attempts());
                    policy
                },
            )
    }

    proptest! {
        #[test]
        fn retries_stay_within_policy_bounds(
            policy in arb_valid_policy(),
            attempt in 1u32..=120,
            outcome in arb_outcome(),
            now_ms in any::<i64>(),
            rand in any::<u32>(),
        ) {
            prop_assert!(policy.validate().is_ok());
            let Ok(decision) = next_attempt(&policy, attempt, &outcome, now_ms, rand) else {
                // Only an out-of-range status may fail with a valid policy.
                let bad = matches!(outcome, Outcome::Status { status, .. } if !(100..=599).contains(&status));
                prop_assert!(bad);
                return Ok(());
            };
            if let Decision::Retry { at_ms, delay_ms, attempt: next, .. } = decision {
                prop_assert!(delay_ms <= policy.max_delay_ms());
                prop_assert!(next == attempt + 1 && next <= policy.attempts());
                prop_assert!(at_ms >= now_ms);
                prop_assert_eq!(at_ms, now_ms.saturating_add_unsigned(delay_ms));
            }
            if attempt >= policy.attempts() {
                let retried = matches!(decision, Decision::Retry { .. });
                prop_assert!(!retried);
            }
        }

        #[test]
        fn after_the_last_attempt_retryable_outcomes_give_up(
            policy in arb_valid_policy(),
            extra in 0u32..5,
            now_ms in any::<i64>(),
            rand in any::<u32>(),
            outcome in prop_oneof![
                Just(Outcome::NetworkError),
                Just(Outcome::Timeout),
                (500u16..600).prop_map(Outcome::status),
            ],
        ) {
            let last = policy.attempts() + extra;
            let decision = next_attempt(&policy, last, &outcome, now_ms, rand).unwrap();
            let exhausted = matches!(decision, Decision::GiveUp { reason: Reason::Exhausted, cause: Some(_), .. });
            prop_assert!(exhausted);
        }

        #[test]
        fn jitter_stays_within_bounds(
            jitter in arb_jitter(),
            delay in any::<u64>(),
            max in any::<u64>(),
            rand in any::<u32>(),
        ) {
            let got = jitter.apply(delay, max, rand);
            prop_assert!(got <= max);
            if let Jitter::Full = jitter {
                prop_assert!(got <= delay);
            }
            if let Jitter::Percent { percent } = jitter {
                // Within ±percent % (rounded down), before the clamp.
                let lo = u128::from(delay) * u128::from(100 - percent) / 100;
                let hi = u128::from(delay) * u128::from(100 + percent) / 100;
                prop_assert!(u128::from(got) <= hi);
                prop_assert!(u128::from(got) + 1 >= lo.min(u128::from(max)));
            }
        }

        #[test]
        fn nothing_panics_on_arbitrary_policies(
            schedule in prop_oneof![
                proptest::collection::vec(any::<u64>(), 0..120).prop_map(Schedule::Delays),
                (any::<u64>(), any::<f64>(), any::<u64>(), any::<u32>()).prop_map(
                    |(base_ms, factor, max_ms, attempts)| Schedule::Exponential(Exponential { base_ms, factor, max_ms, attempts })
                ),
            ],
            percent in any::<u32>(),
            statuses in proptest::collection::vec(any::<u16>(), 0..3),
            max_retry_after_ms in any::<u64>(),
            max_attempts in proptest::option::of(any::<u32>()),
            attempt in any::<u32>(),
            outcome in arb_outcome(),
            now_ms in any::<i64>(),
            rand in any::<u32>(),
        ) {
            let policy = RetryPolicy {
                schedule,
                max_attempts,
                jitter: Jitter::Percent { percent },
                retry_on_4xx: false,
                retry_statuses: statuses,
                max_retry_after_ms,
            };
            let _ = next_attempt(&policy, attempt, &outcome, now_ms, rand);
            let _ = schedule_offsets(&policy);
            let _ = classify(&policy, &outcome);
            let _ = policy.delay_before(attempt);
            let _ = policy.max_delay_ms();
        }

        #[test]
        fn retry_after_never_panics(value in ".{0,80}", now_ms in any::<i64>()) {
            let _ = parse_retry_after(&value, now_ms);
        }

        #[test]
        fn offsets_are_cumulative_delays(policy in arb_valid_policy()) {
            let offsets = schedule_offsets(&policy).unwrap();
            prop_assert_eq!(offsets.len(), policy.attempts() as usize);
            prop_assert_eq!(offsets.first().copied(), Some(0));
            for (i, pair) in offsets.windows(2).enumerate() {
                let delay = policy.delay_before(i as u32 + 2).unwrap();
                prop_assert_eq!(pair[1] - pair[0], delay);
            }
        }
    }
}
