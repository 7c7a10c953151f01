//! The retry planner with arbitrary policies, outcomes, attempt numbers, clocks and draws.
#![no_main]

use hookline::retry::{classify, next_attempt, parse_retry_after, schedule_offsets, Outcome, RetryPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8], u32, i64, u32, u16, String)| {
    let (policy, outcome, attempt, now, rand, status, retry_after) = input;
    let _ = parse_retry_after(&retry_after, now);
    let policy = serde_json::from_slice::<RetryPolicy>(policy).unwrap_or_default();
    let _ = schedule_offsets(&policy);
    let outcomes = [
        serde_json::from_slice::<Outcome>(outcome).ok(),
        Some(Outcome::status(status)),
        Some(Outcome::status_with_retry_after(status, retry_after)),
        Some(Outcome::Timeout),
        Some(Outcome::NetworkError),
    ];
    for o in outcomes.into_iter().flatten() {
        let _ = classify(&policy, &o);
        if let Ok(hookline::retry::Decision::Retry { delay_ms, .. }) = next_attempt(&policy, attempt, &o, now, rand) {
            assert!(delay_ms <= policy.max_delay_ms());
        }
    }
});
