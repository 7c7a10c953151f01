//! Known answers for endpoint health and the circuit breaker, from `tests/vectors/health.json`
//! (shared with the JS suite): sequences of attempts and actions with the state expected after
//! each, and policies that `validate` accepts or refuses.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;
use common::{assert_partial, read_vectors};
use hookline::health::{
    admission, begin_probe, disable, enable, record, AttemptResult, EndpointHealth, HealthPolicy,
};
use hookline::lifecycle::event;
use serde_json::Value;

#[test]
fn health_sequences() {
    let file = read_vectors("health");
    let sequences = file["sequences"].as_array().unwrap();
    assert!(sequences.len() >= 15, "only {} sequences", sequences.len());
    for seq in sequences {
        let name = seq["name"].as_str().unwrap();
        let policy: HealthPolicy = serde_json::from_value(seq["policy"].clone())
            .unwrap_or_else(|e| panic!("{name}: policy: {e}"));
        policy.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut state: EndpointHealth = match seq.get("initial") {
            Some(v) => {
                serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{name}: initial: {e}"))
            }
            None => EndpointHealth::default(),
        };
        for (i, step) in seq["steps"].as_array().unwrap().iter().enumerate() {
            let at = format!("{name}: step {i}");
            let now = step["nowMs"].as_i64().unwrap();
            let want_error = step.get("expectError").and_then(Value::as_str);
            let before = state.clone();
            if let Some(r) = step.get("result") {
                let result: AttemptResult = serde_json::from_value(r.clone())
                    .unwrap_or_else(|e| panic!("{at}: result: {e}"));
                state = record(&state, &policy, &result, now);
            } else {
                match step["action"].as_str().unwrap() {
                    "check" => {}
                    "beginProbe" => state = begin_probe(&state, &policy, now),
                    "enable" => state = enable(&state),
                    "disable" => {
                        let reason = step["reason"].as_str().unwrap();
                        match (disable(&state, reason, now), want_error) {
                            (Ok(next), None) => state = next,
                            (Err(e), Some(code)) => assert_eq!(e.code(), code, "{at}"),
                            (got, want) => panic!("{at}: got {got:?}, want error {want:?}"),
                        }
                    }
                    other => panic!("{at}: unknown action {other}"),
                }
            }
            if want_error.is_some() && step.get("action").and_then(Value::as_str) != Some("disable")
            {
                panic!("{at}: only disable can fail");
            }
            let Some(expect) = step.get("expect") else {
                continue;
            };
            let got = serde_json::to_value(&state).unwrap();
            for (key, want) in expect.as_object().unwrap() {
                if key == "admission" {
                    let adm = serde_json::to_value(admission(&state, &policy, now)).unwrap();
                    assert_eq!(&adm, want, "{at}: admission");
                } else if key == "event" {
                    let got = serde_json::to_value(event(&before, &state, &policy, now)).unwrap();
                    assert_eq!(&got, want, "{at}: event");
                } else {
                    let g = got
                        .get(key)
                        .unwrap_or_else(|| panic!("{at}: no field {key} in {got}"));
                    assert_partial(g, want, &format!("{at}: {key}"));
                }
            }
        }
    }
}

#[test]
fn health_policies() {
    let file = read_vectors("health");
    let policies = file["policies"].as_array().unwrap();
    assert!(!policies.is_empty());
    for case in policies {
        let name = case["name"].as_str().unwrap();
        let policy: HealthPolicy = serde_json::from_value(case["policy"].clone())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        match case.get("error").and_then(Value::as_str) {
            Some(code) => assert_eq!(policy.validate().unwrap_err().code(), code, "{name}"),
            None => policy.validate().unwrap_or_else(|e| panic!("{name}: {e}")),
        }
    }
}
