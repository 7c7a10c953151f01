//! Known answers for subscription matching, from `tests/vectors/matching.json` (shared with the JS
//! suite). Each case runs through the index ([`Matcher`]) and the one-at-a-time rule
//! ([`subscription_matches`]).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // assert_partial is for the other vector files
mod common;

use hookline::matching::{subscription_matches, EventMeta, Matcher, Subscription};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let file: Value = common::read_vectors("matching");
    file["cases"].as_array().unwrap().clone()
}

fn ids(subs: &[Subscription], indices: &[usize]) -> Vec<String> {
    indices.iter().map(|&i| subs[i].id.clone()).collect()
}

#[test]
fn matching_vectors() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let subs: Vec<Subscription> = serde_json::from_value(case["subscriptions"].clone())
            .unwrap_or_else(|e| panic!("{name}: subscriptions: {e}"));
        let event: EventMeta = serde_json::from_value(case["event"].clone())
            .unwrap_or_else(|e| panic!("{name}: event: {e}"));

        let built = Matcher::new(&subs);
        if let Some(code) = case.get("error").and_then(Value::as_str) {
            match case.get("errorIndex").and_then(Value::as_u64) {
                Some(index) => {
                    let err = built.expect_err(name);
                    assert_eq!(err.code(), code, "{name}");
                    assert_eq!(err.index as u64, index, "{name}");
                    // the lenient build leaves that one out and reports it
                    let (_, errors) = Matcher::new_lenient(&subs);
                    assert_eq!(errors.len(), 1, "{name}");
                }
                None => {
                    let matcher = built.unwrap_or_else(|e| panic!("{name}: {e}"));
                    let err = matcher.try_matches(&event).expect_err(name);
                    assert_eq!(err.code(), code, "{name}");
                    assert!(matcher.matches(&event).is_empty(), "{name}");
                    assert!(
                        !subs.iter().any(|s| subscription_matches(s, &event)),
                        "{name}"
                    );
                }
            }
            continue;
        }

        let want: Vec<String> = serde_json::from_value(case["expect"].clone()).unwrap();
        let matcher = built.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(matcher.len(), subs.len(), "{name}");
        assert_eq!(
            ids(&subs, &matcher.matches(&event)),
            want,
            "{name}: matcher"
        );
        let one_by_one: Vec<String> = subs
            .iter()
            .filter(|s| subscription_matches(s, &event))
            .map(|s| s.id.clone())
            .collect();
        assert_eq!(one_by_one, want, "{name}: subscription_matches");
    }
}

/// The sizing: 10,000 subscriptions, one event. This checks the answer, not the time (a
/// debug build says little about speed); the JS suite times it in Node.
#[test]
fn ten_thousand_subscriptions() {
    let subs: Vec<Subscription> = (0..10_000)
        .map(|i| {
            let mut s = Subscription::new(format!("sub_{i}"), "https://example.com/hook");
            s.tenant = Some(format!("tenant_{}", i % 500));
            s.event_types = match i % 4 {
                0 => vec![format!("resource{}.created", i % 50)],
                1 => vec![format!("resource{}.*", i % 50)],
                2 => vec![
                    "*.deleted".to_owned(),
                    format!("resource{}.updated", i % 50),
                ],
                _ => vec![],
            };
            s.enabled = i % 7 != 0;
            s
        })
        .collect();
    let matcher = Matcher::new(&subs).unwrap();
    for (event_type, tenant) in [
        ("resource7.created", "tenant_7"),
        ("resource3.deleted", "tenant_103"),
        ("other.updated", "tenant_1"),
    ] {
        let mut event = EventMeta::new(event_type);
        event.tenant = Some(tenant.to_owned());
        let want: Vec<usize> = (0..subs.len())
            .filter(|&i| subscription_matches(&subs[i], &event))
            .collect();
        assert_eq!(matcher.matches(&event), want, "{event_type}");
    }
}
