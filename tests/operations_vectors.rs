//! Known answers for what an operator and a tracer see of a sender, from
//! `tests/vectors/operations.json` (shared with the JS suite, which asks `readiness`,
//! `traceparent` and `traceChild` the same questions): readiness verdicts and W3C traceparent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // assert_partial is for the other vector files
mod common;
use common::read_vectors;
use hookline::readiness::{readiness, Facts, Policy};
use hookline::trace;
use serde_json::{json, Value};

#[test]
fn readiness_verdicts() {
    let file = read_vectors("operations");
    let cases = file["readiness"].as_array().unwrap();
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let facts: Facts = serde_json::from_value(case["facts"].clone())
            .unwrap_or_else(|e| panic!("{name}: facts: {e}"));
        let policy: Policy = match case.get("policy") {
            Some(p) => serde_json::from_value(p.clone()).unwrap_or_else(|e| panic!("{name}: {e}")),
            None => Policy::default(),
        };
        policy.validate().unwrap();
        let got = serde_json::to_value(readiness(&facts, &policy)).unwrap();
        assert_eq!(got, case["expect"], "{name}");
    }
}

#[test]
fn traceparent_headers() {
    let file = read_vectors("operations");
    for case in file["traceparent"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let got = trace::parse(case["header"].as_str().unwrap()).map(|t| t.header());
        assert_eq!(json!(got), case["expect"], "{name}");
    }
    for case in file["traceChild"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let parent = trace::parse(case["header"].as_str().unwrap()).unwrap();
        let hex = case["spanHex"].as_str().unwrap();
        let mut span = [0u8; 8];
        for (i, b) in span.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap();
        }
        assert_eq!(
            Value::from(parent.child(span).header()),
            case["expect"],
            "{name}"
        );
    }
}
