//! Known answers for the retry decisions from `tests/vectors/retry.json`, shared with the JS tests.
//!
//! Every input is read through serde from the JSON, and every result is compared as JSON, so the
//! file also pins the serde shapes the JS package sees.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // assert_partial is for the other vector files
mod common;

use hookline::retry::{
    classify, next_attempt, parse_retry_after, schedule_offsets, Classification, Decision, Jitter,
    Outcome, RetryPolicy, SplitMix64,
};
use hookline::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn load() -> Value {
    common::read_vectors("retry")
}

fn section<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v[name]
        .as_array()
        .unwrap_or_else(|| panic!("section {name} missing"))
}

fn name(case: &Value) -> &str {
    case["name"].as_str().expect("every case has a name")
}

fn parse<T: DeserializeOwned>(case: &Value, key: &str) -> T {
    serde_json::from_value(case[key].clone())
        .unwrap_or_else(|e| panic!("{}: {key} does not parse: {e}", name(case)))
}

/// Like [`parse`], for values the vectors write in their canonical form: serializing the value
/// must give the same JSON back.
fn parse_canonical<T: DeserializeOwned + Serialize>(case: &Value, key: &str) -> T {
    let value: T = parse(case, key);
    assert_eq!(
        serde_json::to_value(&value).unwrap(),
        case[key],
        "{}: {key} does not serialize back to itself",
        name(case)
    );
    value
}

/// A result against the case's `expect` (compared as JSON, and `expect` must parse back to the
/// same value) or its `error` code.
fn check<T>(case: &Value, got: Result<T, Error>)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let name = name(case);
    match (case.get("expect"), case.get("error")) {
        (Some(expect), None) => {
            let got = got.unwrap_or_else(|e| panic!("{name}: unexpected error {e}"));
            assert_eq!(&serde_json::to_value(&got).unwrap(), expect, "{name}");
            let back: T = serde_json::from_value(expect.clone())
                .unwrap_or_else(|e| panic!("{name}: expect does not parse: {e}"));
            assert_eq!(back, got, "{name}");
        }
        (None, Some(code)) => match got {
            Ok(v) => panic!("{name}: expected error {code}, got {v:?}"),
            Err(e) => assert_eq!(e.code(), code.as_str().unwrap(), "{name}: {e}"),
        },
        _ => panic!("{name}: a case has exactly one of expect and error"),
    }
}

#[test]
fn schedules() {
    let v = load();
    let cases = section(&v, "schedules");
    assert!(cases.len() >= 10);
    for case in cases {
        let policy: RetryPolicy = parse(case, "policy");
        let got = schedule_offsets(&policy);
        match case.get("offsets") {
            Some(offsets) => {
                let want: Vec<u64> = serde_json::from_value(offsets.clone()).unwrap();
                assert_eq!(got.as_ref().ok(), Some(&want), "{}", name(case));
                assert_eq!(want.len(), policy.attempts() as usize, "{}", name(case));
            }
            None => {
                let code = case["error"].as_str().unwrap();
                assert_eq!(got.unwrap_err().code(), code, "{}", name(case));
            }
        }
    }
}

#[test]
fn classification() {
    let v = load();
    let cases = section(&v, "classification");
    assert!(cases.len() >= 23);
    for case in cases {
        let policy: RetryPolicy = match case.get("policy") {
            Some(_) => parse(case, "policy"),
            None => RetryPolicy::default(),
        };
        let outcome: Outcome = parse_canonical(case, "outcome");
        check::<Classification>(case, classify(&policy, &outcome));
    }
}

#[test]
fn decisions() {
    let v = load();
    let cases = section(&v, "decisions");
    assert!(cases.len() >= 30);
    for case in cases {
        let policy: RetryPolicy = parse(case, "policy");
        let outcome: Outcome = parse_canonical(case, "outcome");
        let attempt: u32 = parse(case, "attemptNumber");
        let now_ms: i64 = parse(case, "nowMs");
        let rand: u32 = parse(case, "rand");
        check::<Decision>(case, next_attempt(&policy, attempt, &outcome, now_ms, rand));
    }
}

#[test]
fn retry_after() {
    let v = load();
    let cases = section(&v, "retryAfter");
    assert!(cases.len() >= 20);
    for case in cases {
        let value: String = parse(case, "value");
        let now_ms: i64 = parse(case, "nowMs");
        let want: Option<u64> = parse(case, "expectMs");
        assert_eq!(parse_retry_after(&value, now_ms), want, "{}", name(case));
    }
}

#[test]
fn jitter() {
    let v = load();
    let cases = section(&v, "jitter");
    assert!(cases.len() >= 15);
    for case in cases {
        let jitter: Jitter = parse_canonical(case, "jitter");
        let delay: u64 = parse(case, "delayMs");
        let max: u64 = parse(case, "maxMs");
        let rand: u32 = parse(case, "rand");
        let want: u64 = parse(case, "expectMs");
        assert_eq!(jitter.apply(delay, max, rand), want, "{}", name(case));
    }
}

#[test]
fn prng() {
    let v = load();
    let cases = section(&v, "prng");
    assert!(!cases.is_empty());
    for case in cases {
        let seed: u64 = parse(case, "seed");
        let want64: Vec<String> = parse(case, "nextU64");
        let want32: Vec<u32> = parse(case, "nextU32");
        let mut rng = SplitMix64::new(seed);
        let got64: Vec<String> = want64.iter().map(|_| rng.next_u64().to_string()).collect();
        assert_eq!(got64, want64, "{}", name(case));
        let mut rng = SplitMix64::new(seed);
        let got32: Vec<u32> = want32.iter().map(|_| rng.next_u32()).collect();
        assert_eq!(got32, want32, "{}", name(case));
    }
}

#[test]
fn rejected_json() {
    let v = load();
    let cases = section(&v, "rejectedJson");
    assert!(cases.len() >= 10);
    for case in cases {
        let json = case["json"].clone();
        let ok = match case["type"].as_str().unwrap() {
            "policy" => serde_json::from_value::<RetryPolicy>(json).is_ok(),
            "outcome" => serde_json::from_value::<Outcome>(json).is_ok(),
            "jitter" => serde_json::from_value::<Jitter>(json).is_ok(),
            "decision" => serde_json::from_value::<Decision>(json).is_ok(),
            other => panic!("{}: unknown type {other}", name(case)),
        };
        assert!(!ok, "{}: accepted", name(case));
    }
}

#[test]
fn enough_cases() {
    let v = load();
    let total: usize = [
        "schedules",
        "classification",
        "decisions",
        "retryAfter",
        "jitter",
        "prng",
        "rejectedJson",
    ]
    .iter()
    .map(|s| section(&v, s).len())
    .sum();
    assert!(total >= 60, "{total} cases");
}
