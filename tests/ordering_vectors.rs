//! Known answers for ordered delivery, from `tests/vectors/ordering.json` (shared with the JS
//! suite, which asks `orderingKeyFor`, `checkOrderingPolicy` and `orderedAttempt` the same
//! questions).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // assert_partial is for the other vector files
mod common;
use common::read_vectors;
use hookline::delivery::Finished;
use hookline::ordering::{bound, key_for, OrderingPolicy};
use serde_json::Value;

fn parse<T: serde::de::DeserializeOwned>(v: &Value, what: &str) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

#[test]
fn ordering_keys() {
    let file = read_vectors("ordering");
    let cases = file["keys"].as_array().unwrap();
    assert!(cases.len() >= 8);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let got = key_for(
            case["ordered"].as_bool().unwrap(),
            case["orderingKey"].as_str(),
        );
        match case.get("error") {
            Some(code) => assert_eq!(got.unwrap_err().code(), code, "{name}"),
            None => assert_eq!(
                serde_json::to_value(got.unwrap()).unwrap(),
                case["expect"],
                "{name}"
            ),
        }
    }
}

#[test]
fn ordering_policies() {
    let file = read_vectors("ordering");
    for case in file["policies"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let parsed = serde_json::from_value::<OrderingPolicy>(case["input"].clone());
        match (case.get("error").and_then(Value::as_str), parsed) {
            // A shape serde refuses is the binding's invalid_argument.
            (Some("invalid_argument"), Err(_)) => {}
            (Some(code), Ok(p)) => assert_eq!(p.validate().unwrap_err().code(), code, "{name}"),
            (None, Ok(p)) => {
                p.validate().unwrap();
                assert_eq!(serde_json::to_value(p).unwrap(), case["expect"], "{name}");
            }
            (want, got) => panic!("{name}: wanted {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn failing_heads_are_given_up_past_their_block() {
    let file = read_vectors("ordering");
    let cases = file["bound"].as_array().unwrap();
    assert!(cases.len() >= 7);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let finished: Finished = parse(&case["finished"], name);
        let policy: OrderingPolicy = parse(&case["policy"], name);
        let got = bound(
            finished,
            case["headSinceMs"].as_i64().unwrap(),
            &policy,
            case["nowMs"].as_i64().unwrap(),
        );
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            case["expect"],
            "{name}"
        );
    }
}
