//! Known answers for per-endpoint rate limits, from `tests/vectors/throttle.json` (shared with
//! the JS suite, which asks `checkRateLimit`, `throttleAdmit`, `throttleObserve` and
//! `throttleReset` the same questions).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // assert_partial is for the other vector files
mod common;
use common::read_vectors;
use hookline::throttle::{admit, observe, pace, reset, Pace, RateLimit, Sent, Throttle};
use serde_json::Value;

fn parse<T: serde::de::DeserializeOwned>(v: &Value, what: &str) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Every key of `want` in `got` with the same value, numbers compared as numbers (the bucket's
/// times are floats, the vectors write them as integers).
fn assert_fields(got: &Value, want: &Value, at: &str) {
    match want {
        Value::Object(fields) => {
            for (key, w) in fields {
                let g = got
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key}: no such field in {got}"));
                assert_fields(g, w, &format!("{at}.{key}"));
            }
        }
        Value::Array(items) => {
            let g = got
                .as_array()
                .unwrap_or_else(|| panic!("{at}: not an array: {got}"));
            assert_eq!(g.len(), items.len(), "{at}: length");
            for (i, (g, w)) in g.iter().zip(items).enumerate() {
                assert_fields(g, w, &format!("{at}[{i}]"));
            }
        }
        Value::Number(n) => assert_eq!(got.as_f64(), n.as_f64(), "{at}"),
        _ => assert_eq!(got, want, "{at}"),
    }
}

#[test]
fn rate_limits_are_checked() {
    let file = read_vectors("throttle");
    let cases = file["limits"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let parsed = serde_json::from_value::<RateLimit>(case["input"].clone());
        match case.get("error") {
            Some(code) => {
                // A shape serde refuses is the binding's invalid_argument, as a range the core refuses.
                assert_eq!(code, "invalid_argument", "{name}");
                let refused = match parsed {
                    Err(_) => true,
                    Ok(limit) => limit
                        .validate()
                        .is_err_and(|e| e.code() == "invalid_argument"),
                };
                assert!(refused, "{name}: accepted");
            }
            None => {
                let limit = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
                limit.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_fields(&serde_json::to_value(limit).unwrap(), &case["expect"], name);
            }
        }
    }
}

#[test]
fn admissions() {
    let file = read_vectors("throttle");
    let cases = file["admit"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let limit: RateLimit = parse(&case["limit"], name);
        let throttle: Throttle = parse(&case["throttle"], name);
        let reserved: Vec<Option<i64>> = parse(&case["reservedAtMs"], name);
        let got = admit(
            &limit,
            &throttle,
            case["nowMs"].as_i64().unwrap(),
            case["leaseMs"].as_u64().unwrap(),
            &reserved,
        );
        assert_fields(&serde_json::to_value(&got).unwrap(), &case["expect"], name);
    }
}

#[test]
fn responses_slow_the_bucket() {
    let file = read_vectors("throttle");
    let cases = file["observe"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let throttle: Throttle = parse(&case["throttle"], name);
        let response = &case["response"];
        let status = u16::try_from(response["status"].as_u64().unwrap()).unwrap();
        let got = observe(
            &throttle,
            status,
            response["retryAfter"].as_str(),
            case["startedAtMs"].as_i64().unwrap(),
            case["nowMs"].as_i64().unwrap(),
        );
        assert_fields(&serde_json::to_value(&got).unwrap(), &case["expect"], name);
    }
    for case in file["reset"].as_array().unwrap() {
        let got = reset(case["nowMs"].as_i64().unwrap());
        assert_fields(
            &serde_json::to_value(&got).unwrap(),
            &case["expect"],
            "reset",
        );
    }
}

#[test]
fn a_workers_sends_keep_their_pace() {
    let file = read_vectors("throttle");
    let cases = file["pace"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let p: Pace = parse(&case["pace"], name);
        let sent: Sent = parse(&case["sent"], name);
        let got = pace(
            &p,
            &sent,
            case["startMs"].as_i64().unwrap(),
            case["previousMs"].as_i64(),
        );
        assert_fields(&serde_json::to_value(got).unwrap(), &case["expect"], name);
    }
}
