//! Matching and endpoint health on arbitrary JSON subscriptions, events, states and results.
#![no_main]

use hookline::health::{admission, begin_probe, record, AttemptResult, EndpointHealth, HealthPolicy};
use hookline::matching::{subscription_matches, EventMeta, Matcher, Subscription};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8], &[u8], &[u8], Vec<(i64, u8, Option<u16>)>)| {
    let (subs, event, state, policy, steps) = input;
    if let (Ok(subs), Ok(event)) = (
        serde_json::from_slice::<Vec<Subscription>>(subs),
        serde_json::from_slice::<EventMeta>(event),
    ) {
        let (matcher, _) = Matcher::new_lenient(&subs);
        for i in matcher.matches(&event) {
            assert!(subscription_matches(&subs[i], &event));
        }
    }
    let mut state = serde_json::from_slice::<EndpointHealth>(state).unwrap_or_default();
    let policy = serde_json::from_slice::<HealthPolicy>(policy).unwrap_or_default();
    for (now, kind, status) in steps.into_iter().take(64) {
        let result = match kind % 3 {
            0 => AttemptResult::Delivered,
            1 => AttemptResult::Failed { status },
            _ => AttemptResult::Gone,
        };
        state = record(&state, &policy, &result, now);
        let _ = admission(&state, &policy, now);
        state = begin_probe(&state, &policy, now);
    }
});
