//! Known answers for the delivery state machine, from `tests/vectors/delivery.json` (shared with
//! the JS suite, which drives `DeliveryEndpoint` through the same steps): an endpoint per case,
//! then `begin`, `finish`, address checks and health reads in order, and `next_wait`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;
use common::{assert_partial, read_vectors};
use hookline::delivery::{next_wait, Begin, Endpoint, Message};
use hookline::health::{EndpointHealth, HealthPolicy};
use hookline::retry::{Outcome, RetryPolicy};
use hookline::scheme::Scheme;
use hookline::ssrf::{url_parts, TargetOptions};
use hookline::{KeyInput, Signer};
use serde_json::{json, Value};

fn parse<T: serde::de::DeserializeOwned>(v: &Value, what: &str) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn endpoint(setup: &Value, name: &str) -> Endpoint {
    let secret = setup["secret"].as_str().unwrap();
    let signer = Signer::new(Scheme::StandardWebhooks, &[KeyInput::Text(secret)]).unwrap();
    let url = setup["url"].as_str().unwrap();
    let parts = url_parts(url).unwrap_or_else(|e| panic!("{name}: {url}: {e}"));
    let guard: Option<TargetOptions> = match &setup["ssrf"] {
        Value::Bool(false) => None,
        options => Some(parse(options, "ssrf")),
    };
    let retry: RetryPolicy = parse(&setup["retry"], "retry");
    let health_policy: HealthPolicy = parse(&setup["healthPolicy"], "healthPolicy");
    let health: EndpointHealth = match setup.get("health") {
        Some(h) => parse(h, "health"),
        None => EndpointHealth::default(),
    };
    Endpoint::new(signer, &parts, guard, retry, health_policy, health)
        .unwrap_or_else(|e| panic!("{name}: endpoint: {e}"))
}

fn int<T: TryFrom<i64>>(step: &Value, key: &str) -> T {
    let n = step[key]
        .as_i64()
        .unwrap_or_else(|| panic!("{key} missing in {step}"));
    T::try_from(n).unwrap_or_else(|_| panic!("{key} out of range in {step}"))
}

#[test]
fn delivery_cases() {
    let file = read_vectors("delivery");
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "only {} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut ep = endpoint(&case["endpoint"], name);
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let at = format!("{name}: step {i}");
            let expect = &step["expect"];
            match step["op"].as_str().unwrap() {
                "begin" => {
                    let message = Message {
                        id: step["id"].as_str().unwrap(),
                        body: step["body"].as_str().unwrap().as_bytes(),
                    };
                    let begun = ep
                        .begin(int(step, "attempt"), int(step, "nowMs"), message)
                        .unwrap_or_else(|e| panic!("{at}: begin: {e}"));
                    let got = match begun {
                        Begin::Send { headers, probe } => {
                            json!({ "kind": "send", "probe": probe, "headers": headers })
                        }
                        Begin::Skip(finished) => {
                            let mut v = serde_json::to_value(&finished).unwrap();
                            v["kind"] = json!("skip");
                            v
                        }
                    };
                    assert_eq!(&got, expect, "{at}: begin");
                }
                "finish" => {
                    let outcome: Outcome = parse(&step["outcome"], &at);
                    let finished = ep
                        .finish(
                            int(step, "attempt"),
                            &outcome,
                            int(step, "nowMs"),
                            int(step, "rand"),
                        )
                        .unwrap_or_else(|e| panic!("{at}: finish: {e}"));
                    assert_eq!(
                        &serde_json::to_value(&finished).unwrap(),
                        expect,
                        "{at}: finish"
                    );
                }
                "checkAddress" => {
                    let addr = step["address"].as_str().unwrap().parse().unwrap();
                    let got = match ep.check_address(addr) {
                        Ok(()) => json!({ "ok": true }),
                        Err(e) => json!({ "error": e.code() }),
                    };
                    assert_eq!(&got, expect, "{at}: checkAddress");
                }
                "refusedAddress" => {
                    let addr = step["address"].as_str().unwrap().parse().unwrap();
                    // Refused at connect: the address fails the check, and the record that
                    // follows names no address.
                    assert!(ep.check_address(addr).is_err(), "{at}: {addr} is allowed");
                    let got = serde_json::to_value(ep.refused_address()).unwrap();
                    assert_eq!(&got, expect, "{at}: refusedAddress");
                }
                "adopt" => {
                    let stored: EndpointHealth = parse(&step["health"], &at);
                    ep.adopt(&stored);
                }
                "health" => {
                    let got = serde_json::to_value(&ep.health).unwrap();
                    assert_partial(&got, expect, &format!("{at}: health"));
                }
                other => panic!("{at}: unknown op {other}"),
            }
        }
    }
}

#[test]
fn next_wait_cases() {
    let file = read_vectors("delivery");
    let cases = file["nextWait"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let got = next_wait(
            int(case, "atMs"),
            int(case, "nowMs"),
            case["maxMs"].as_u64().unwrap(),
        );
        assert_eq!(json!(got), case["expect"], "nextWait: {name}");
    }
}
