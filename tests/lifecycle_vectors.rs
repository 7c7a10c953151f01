//! Known answers for an endpoint's lifecycle and for attempts that cannot start, from
//! `tests/vectors/lifecycle.json` (shared with the JS suite, which asks `endpointChange`,
//! `endpointStatus` and `unstartedAttempt` the same questions).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;
use common::{assert_partial, read_vectors};
use hookline::delivery::{unstarted, Unstarted};
use hookline::health::EndpointHealth;
use hookline::lifecycle::{owner_change, status, Change};
use hookline::retry::RetryPolicy;
use serde_json::Value;

fn parse<T: serde::de::DeserializeOwned>(v: &Value, what: &str) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

#[test]
fn owner_changes() {
    let file = read_vectors("lifecycle");
    let cases = file["changes"].as_array().unwrap();
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let health: EndpointHealth = match &case["health"] {
            Value::Null => EndpointHealth::default(),
            h => parse(h, name),
        };
        let change: Change = parse(&case["change"], name);
        let changed = owner_change(&health, &change, case["nowMs"].as_i64().unwrap());
        let got = serde_json::to_value(&changed).unwrap();
        assert_partial(&got, &case["expect"], name);
        // The status of the new health is the status the change reports.
        assert_eq!(status(&changed.health), changed.status, "{name}");
    }
}

#[test]
fn attempts_that_cannot_start() {
    let file = read_vectors("lifecycle");
    let cases = file["unstarted"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let retry: RetryPolicy = parse(&case["retry"], name);
        let why: Unstarted = parse(&case["why"], name);
        let attempt = u32::try_from(case["attempt"].as_u64().unwrap()).unwrap();
        let got = unstarted(&retry, attempt, why, case["nowMs"].as_i64().unwrap(), 0).unwrap();
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            case["expect"],
            "{name}"
        );
    }
}
