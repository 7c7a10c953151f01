//! Per-endpoint rate limits as a token bucket in plain, serializable state (sender side).
//!
//! An endpoint with a [`RateLimit`] (`rateLimit` deliveries per second, `rateLimitBurst`) may
//! start `rateLimitBurst` deliveries at once from rest, then one every `1000 / rateLimit` ms.
//! The bucket is GCRA (the generic cell rate algorithm as virtual scheduling): what counts is
//! one time, `tatMs`, the theoretical arrival time of the next start if deliveries started at
//! exactly the rate. A start is given the time `max(tatMs, now) - (burst - 1) * interval` (or
//! now, if that is past), and moves `tatMs` to `max(tatMs, now) + interval`. Only starts move
//! it, each at the time it is given, so the starts of an endpoint are spaced as the limit says
//! whenever a worker comes: no window of a second holds more than `rate + burst`.
//!
//! [`admit`] decides, at `now_ms`, for the due deliveries of one endpoint, in order: start at a
//! time (now, or within the horizon: up to one second ahead, at most a quarter of the claim's
//! lease, which the worker holds while it waits and sends), or wait until a time ("not before
//! t"). A start within the horizon makes the pace independent of how long a claim takes. A
//! delivery whose start would be further off joins the line: it is given a place (`lineEndMs`,
//! the end of the line, moves on by one interval) and waits until the horizon reaches it. When
//! its wait ends it takes a start before any delivery without a place, which takes one only while
//! the line ends within the horizon: so deliveries in line are not overtaken, and each is put
//! back about once. A store keeps the wait as the delivery's next attempt time, so no claim
//! visits it before then, and the time it was given its place (`reservedAtMs`).
//!
//! [`observe`] folds a response into the bucket. A 429 or a 503 halves the rate in effect (at
//! most four times: a sixteenth of the limit) for [`SLOW_HOLD_MS`], after which it doubles back
//! every [`SLOW_HOLD_MS`] until it is the limit again; its `Retry-After` (at most
//! [`MAX_PAUSE_MS`]) also holds every start until then. A response to a request that started
//! before the last slow-down does not slow it again (it was sent at the old rate). Places given
//! before a slow-down no longer hold: those deliveries take new places, at the slower rate, when
//! their time comes. [`reset`] does the same for a new limit.
//!
//! Nothing here reads a clock: times are unix milliseconds passed in.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::retry::parse_retry_after;

/// How long a slow-down holds before the rate starts to double back (30 s).
pub const SLOW_HOLD_MS: i64 = 30_000;
/// The furthest ahead a start is given (the horizon, at most a quarter of the lease).
pub const MAX_HORIZON_MS: u64 = 1000;
/// The most halvings in effect at once: a sixteenth of the limit.
pub const MAX_SLOW_LEVEL: u32 = 4;
/// The longest a `Retry-After` holds an endpoint's starts (one hour).
pub const MAX_PAUSE_MS: u64 = 3_600_000;
/// The largest `rateLimit`: ten thousand per second (beyond that, set none).
pub const MAX_PER_SECOND: f64 = 10_000.0;
/// The smallest `rateLimit`: one per thousand seconds.
pub const MIN_PER_SECOND: f64 = 0.001;
/// The largest `rateLimitBurst`.
pub const MAX_BURST: u32 = 1000;

/// An endpoint's rate limit, in the endpoint's own words: `{ "rateLimit": 10, "rateLimitBurst":
/// 1 }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Deliveries per second: a positive number from 0.001 to 10,000.
    #[serde(rename = "rateLimit")]
    pub per_second: f64,
    /// How many may start at once from rest: 1 to 1000; default 1 (an even pace).
    #[serde(rename = "rateLimitBurst", default = "default_burst")]
    pub burst: u32,
}

fn default_burst() -> u32 {
    1
}

impl RateLimit {
    /// Check the numbers: a rate the bucket can keep and a burst in range.
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.per_second.is_finite()
            && (MIN_PER_SECOND..=MAX_PER_SECOND).contains(&self.per_second))
        {
            return Err(Error::InvalidArgument {
                reason: "rateLimit must be a number of deliveries per second from 0.001 to 10000",
            });
        }
        if self.burst == 0 || self.burst > MAX_BURST {
            return Err(Error::InvalidArgument {
                reason: "rateLimitBurst must be a whole number from 1 to 1000",
            });
        }
        Ok(())
    }

    /// The interval between starts at the limit, in milliseconds.
    fn interval_ms(&self) -> f64 {
        1000.0 / self.per_second.clamp(MIN_PER_SECOND, MAX_PER_SECOND)
    }
}

/// An endpoint's bucket: what a store keeps beside its rate limit. `{}` (or `Throttle::default()`)
/// is a bucket at rest.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Throttle {
    /// GCRA's theoretical arrival time of the next start (unix ms; a fraction of a millisecond
    /// is kept, so a rate such as 3 per second stays exact).
    pub tat_ms: f64,
    /// The end of the line of deliveries told to wait: the next one waits until then.
    pub line_end_ms: f64,
    /// How many halvings of the rate the last slow-down put in effect.
    pub slow_level: u32,
    /// Until when `slowLevel` holds; after it the rate doubles back every `SLOW_HOLD_MS`.
    pub slow_until_ms: i64,
    /// No delivery starts before this (a 429's or a 503's `Retry-After`).
    pub paused_until_ms: i64,
    /// When the bucket was last reset (a slow-down, a new limit): places given before then no
    /// longer hold.
    pub reset_at_ms: i64,
}

/// What [`admit`] decided for one due delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Start {
    /// `{ "kind": "start", "atMs" }`: send it at `atMs` (now, or within the horizon).
    Start { at_ms: i64 },
    /// `{ "kind": "wait", "untilMs" }`: put it back until `untilMs`; its place is kept.
    Wait { until_ms: i64 },
}

/// How far ahead a start may be given by a claim that holds its deliveries for `lease_ms`: one
/// second, at most a quarter of the lease (the wait and the request, at most half the lease
/// itself, then end well inside it).
pub fn horizon(lease_ms: u64) -> u64 {
    MAX_HORIZON_MS.min(lease_ms / 4)
}

/// [`admit`]'s answer: a decision per delivery, in the order given, the bucket to store, and
/// the pace the starts were given at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Admitted {
    pub throttle: Throttle,
    pub starts: Vec<Start>,
    pub pace: Pace,
}

/// The pace of an endpoint's starts: one every `intervalMs`, `toleranceMs` of them allowed early
/// (the burst). A worker that sends at given starts keeps its own sends to it ([`pace`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pace {
    pub interval_ms: f64,
    pub tolerance_ms: f64,
}

/// Where a worker's sends to one endpoint stand: the theoretical time of its next send (GCRA, on
/// the times it really sent). `{}` before the first.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Sent {
    pub tat_ms: f64,
}

/// [`pace`]'s answer: send at `atMs`; keep `sent` for the endpoint's next send.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paced {
    pub at_ms: i64,
    pub sent: Sent,
}

/// When a worker sends a delivery [`admit`] gave the start `start_ms` at `pace`: its sends to the
/// endpoint so far are `sent`, the one before this went out at `previous_ms` (`None` for the
/// first), and this one goes at its start, or later if a timer that fired late made an earlier
/// send late: the worker's sends keep GCRA's spacing on the times they really go out (a late one
/// catches up by the burst's tolerance at most), so a busy process sends no burst.
pub fn pace(pace: &Pace, sent: &Sent, start_ms: i64, previous_ms: Option<i64>) -> Paced {
    let sent = match previous_ms {
        Some(went) => Sent {
            tat_ms: sent.tat_ms.max(i64_ms(went)) + pace.interval_ms,
        },
        None => *sent,
    };
    let at = i64_ms(start_ms).max(sent.tat_ms - pace.tolerance_ms);
    Paced {
        at_ms: ceil_ms(at).max(start_ms),
        sent,
    }
}

/// The halvings in effect at `now_ms`: the last slow-down's level while it holds, then one fewer
/// per `SLOW_HOLD_MS`.
fn slow_level_at(throttle: &Throttle, now_ms: i64) -> u32 {
    let level = throttle.slow_level.min(MAX_SLOW_LEVEL);
    if level == 0 || now_ms < throttle.slow_until_ms {
        return level;
    }
    let steps = now_ms.saturating_sub(throttle.slow_until_ms) / SLOW_HOLD_MS;
    let steps = u32::try_from(steps.saturating_add(1)).unwrap_or(u32::MAX);
    level.saturating_sub(steps)
}

/// The interval between starts in effect at `now_ms`, in milliseconds.
fn interval_at(limit: &RateLimit, throttle: &Throttle, now_ms: i64) -> f64 {
    let halvings = slow_level_at(throttle, now_ms);
    limit.interval_ms() * f64::from(1u32 << halvings.min(MAX_SLOW_LEVEL))
}

/// A time in fractional milliseconds as whole milliseconds, rounded up (a wait never ends early).
fn ceil_ms(t: f64) -> i64 {
    // `as` saturates (and maps NaN to 0): a time past the range waits as long as it can.
    t.ceil() as i64
}

/// When may the due deliveries of an endpoint start, decided at `now_ms` by a claim that holds
/// them for `lease_ms`? `reserved` holds, per delivery in the order they should go, the time an
/// earlier `admit` gave it its place in line (its wait has ended) or `None` (it has none). A place
/// given before the bucket's last reset no longer holds. A delivery with a place, or any while the
/// line ends within the horizon, takes the bucket's next start if it falls within the horizon;
/// otherwise one with a place waits at the front (until the horizon reaches its start), and any
/// other joins the end of the line.
pub fn admit(
    limit: &RateLimit,
    throttle: &Throttle,
    now_ms: i64,
    lease_ms: u64,
    reserved: &[Option<i64>],
) -> Admitted {
    let mut next = throttle.clone();
    let interval = interval_at(limit, throttle, now_ms);
    let tolerance = interval * f64::from(limit.burst.clamp(1, MAX_BURST).saturating_sub(1));
    let now = i64_ms(now_ms);
    let paused = i64_ms(throttle.paused_until_ms);
    let ahead = i64_ms(i64::try_from(horizon(lease_ms)).unwrap_or(0));
    let reach = now + ahead;
    // A start's time for the theoretical arrival `tat`: never before now or the pause.
    let arrival = |tat: f64| tat.max(now).max(paused);
    let start_of = |tat: f64| (arrival(tat) - tolerance).max(paused).max(now);
    // The next start after the ones given so far and the places waiting at the front for one.
    let mut front = start_of(next.tat_ms);
    let starts = reserved
        .iter()
        .map(|place| {
            let placed = place.is_some_and(|given| given >= throttle.reset_at_ms);
            let at = start_of(next.tat_ms);
            if (placed || next.line_end_ms <= reach) && at <= reach {
                next.tat_ms = arrival(next.tat_ms) + interval;
                front = front.max(start_of(next.tat_ms));
                return Start::Start { at_ms: ceil_ms(at) };
            }
            let wait_for = if placed {
                let start = front;
                front += interval;
                start
            } else {
                let place = next.line_end_ms.max(front).max(now);
                next.line_end_ms = place + interval;
                place
            };
            Start::Wait {
                until_ms: ceil_ms(wait_for - ahead).max(now_ms.saturating_add(1)),
            }
        })
        .collect();
    Admitted {
        throttle: next,
        starts,
        pace: Pace {
            interval_ms: interval,
            tolerance_ms: tolerance,
        },
    }
}

/// Whole milliseconds as a float (exact for every unix time in ms below 2^53).
fn i64_ms(t: i64) -> f64 {
    t as f64
}

/// The bucket after a response with `status` (and its `Retry-After` header, if any) to a request
/// that started at `started_at_ms`, observed at `now_ms`: a 429 or a 503 slows the endpoint down
/// (see the module docs); any other status leaves the bucket as it is.
pub fn observe(
    throttle: &Throttle,
    status: u16,
    retry_after: Option<&str>,
    started_at_ms: i64,
    now_ms: i64,
) -> Throttle {
    if status != 429 && status != 503 {
        return throttle.clone();
    }
    // Sent before the last slow-down, at the old rate: that slow-down already answers it.
    if started_at_ms < throttle.reset_at_ms {
        return throttle.clone();
    }
    let pause = retry_after
        .and_then(|v| parse_retry_after(v, now_ms))
        .map_or(0, |ms| ms.min(MAX_PAUSE_MS));
    let paused_until_ms = throttle
        .paused_until_ms
        .max(now_ms.saturating_add_unsigned(pause));
    Throttle {
        tat_ms: i64_ms(now_ms.max(paused_until_ms)),
        line_end_ms: 0.0,
        slow_level: slow_level_at(throttle, now_ms)
            .saturating_add(1)
            .min(MAX_SLOW_LEVEL),
        slow_until_ms: now_ms.saturating_add(SLOW_HOLD_MS),
        paused_until_ms,
        reset_at_ms: now_ms,
    }
}

/// A bucket at rest for a new limit set at `now_ms`: places given under the old one no longer
/// hold.
pub fn reset(now_ms: i64) -> Throttle {
    Throttle {
        reset_at_ms: now_ms,
        ..Throttle::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(per_second: f64, burst: u32) -> RateLimit {
        RateLimit { per_second, burst }
    }

    const NOW: Start = Start::Start { at_ms: 1_000 };

    #[test]
    fn a_burst_then_the_line() {
        let l = limit(10.0, 3);
        let a = admit(&l, &Throttle::default(), 1_000, 0, &[None; 5]);
        assert_eq!(
            a.starts,
            vec![
                NOW,
                NOW,
                NOW,
                Start::Wait { until_ms: 1_100 },
                Start::Wait { until_ms: 1_200 },
            ]
        );
        assert_eq!(
            (a.throttle.tat_ms, a.throttle.line_end_ms),
            (1_300.0, 1_300.0)
        );
        // At 1_100 the first place in line starts; one without a place joins the line.
        let b = admit(&l, &a.throttle, 1_100, 0, &[Some(1_000), None]);
        assert_eq!(
            b.starts,
            vec![
                Start::Start { at_ms: 1_100 },
                Start::Wait { until_ms: 1_300 }
            ]
        );
    }

    #[test]
    fn within_the_horizon_starts_are_given_ahead() {
        let l = limit(10.0, 1);
        // A lease of 2 s: a horizon of 500 ms.
        let a = admit(&l, &Throttle::default(), 1_000, 2_000, &[None; 8]);
        let at = |at_ms| Start::Start { at_ms };
        assert_eq!(
            a.starts,
            vec![
                at(1_000),
                at(1_100),
                at(1_200),
                at(1_300),
                at(1_400),
                at(1_500),
                Start::Wait { until_ms: 1_100 },
                Start::Wait { until_ms: 1_200 }
            ]
        );
        assert_eq!(horizon(60_000), 1_000);
    }

    #[test]
    fn late_sends_keep_their_spacing_and_catch_up_by_the_tolerance() {
        let strict = Pace {
            interval_ms: 100.0,
            tolerance_ms: 0.0,
        };
        let first = pace(&strict, &Sent::default(), 1_000, None);
        assert_eq!(first.at_ms, 1_000);
        // It went out 150 ms late: the next, due at 1_100, goes 100 ms after it.
        let second = pace(&strict, &first.sent, 1_100, Some(1_150));
        assert_eq!(second.at_ms, 1_250);
        let loose = Pace {
            interval_ms: 100.0,
            tolerance_ms: 100.0,
        };
        let caught_up = pace(&loose, &first.sent, 1_100, Some(1_150));
        assert_eq!(caught_up.at_ms, 1_150);
        // Never before its start.
        assert_eq!(
            pace(&loose, &caught_up.sent, 2_000, Some(1_150)).at_ms,
            2_000
        );
    }

    #[test]
    fn fractions_of_a_millisecond_are_kept() {
        let l = limit(3.0, 1);
        let mut t = Throttle::default();
        let mut waits = vec![];
        for _ in 0..3 {
            let a = admit(&l, &t, 0, 0, &[None]);
            t = a.throttle;
            waits.push(a.starts[0]);
        }
        assert_eq!(
            waits,
            vec![
                Start::Start { at_ms: 0 },
                Start::Wait { until_ms: 334 },
                Start::Wait { until_ms: 667 }
            ]
        );
        assert!((t.line_end_ms - 1000.0).abs() < 1e-9);
    }

    #[test]
    fn a_429_pauses_and_halves_then_recovers() {
        let l = limit(10.0, 1);
        let t = observe(&Throttle::default(), 429, Some("2"), 5_000, 5_100);
        assert_eq!(t.paused_until_ms, 7_100);
        assert_eq!(t.slow_level, 1);
        let a = admit(&l, &t, 6_000, 0, &[Some(5_050), None, None]);
        assert_eq!(
            a.starts,
            vec![
                Start::Wait { until_ms: 7_100 },
                Start::Wait { until_ms: 7_300 },
                Start::Wait { until_ms: 7_500 }
            ]
        );
        // A response to a request sent before the slow-down does not slow it again.
        assert_eq!(observe(&t, 503, None, 5_000, 5_200), t);
        assert_eq!(slow_level_at(&t, 5_100 + SLOW_HOLD_MS), 0);
        assert_eq!(observe(&t, 200, None, 6_000, 6_000), t);
    }

    #[test]
    fn whole_milliseconds_round_trip() {
        for t in [
            0i64,
            1,
            -1,
            1_800_000_000_123,
            -8_640_000_000_000_000,
            8_640_000_000_000_000,
        ] {
            assert_eq!(ceil_ms(i64_ms(t)), t);
        }
        assert_eq!(ceil_ms(1.2), 2);
        assert_eq!(ceil_ms(-1.2), -1);
    }

    #[test]
    fn limits_are_checked() {
        assert!(limit(10.0, 1).validate().is_ok());
        assert!(limit(0.0, 1).validate().is_err());
        assert!(limit(f64::NAN, 1).validate().is_err());
        assert!(limit(20_000.0, 1).validate().is_err());
        assert!(limit(10.0, 0).validate().is_err());
    }
}
