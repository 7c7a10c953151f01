//! Known answers for what support staff ask of the delivery log and may do to it, and for tenant
//! tokens, from `tests/vectors/support.json` (shared with the JS suite, which asks
//! `supportQuery`, `cancelDelivery`, `recoveryPlan` and `TenantTokens` the same questions).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;
use common::{assert_partial, read_vectors};
use hookline::delivery::AttemptOutcome;
use hookline::support::{
    attempt_outcomes, attempt_status, cancel, read_query, recovery, DeliveryNow, Listing,
};
use hookline::token::{Access, IssueOptions, TokenKey};
use hookline::Error;
use serde_json::Value;

fn parse<T: serde::de::DeserializeOwned>(v: &Value, what: &str) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The answer or the error a case expects: `expect` (partially) or `error: { code, mentions? }`.
fn check<T: serde::Serialize>(got: Result<T, Error>, case: &Value, name: &str) {
    match (&got, case.get("error")) {
        (Ok(v), None) => assert_partial(&serde_json::to_value(v).unwrap(), &case["expect"], name),
        (Err(e), Some(want)) => {
            assert_eq!(e.code(), want["code"].as_str().unwrap(), "{name}: {e}");
            if let Some(m) = want.get("mentions").and_then(Value::as_str) {
                assert!(e.to_string().contains(m), "{name}: {e} does not name {m}");
            }
        }
        (Ok(v), Some(_)) => panic!(
            "{name}: expected an error, got {}",
            serde_json::to_value(v).unwrap()
        ),
        (Err(e), None) => panic!("{name}: {e}"),
    }
}

#[test]
fn queries() {
    let file = read_vectors("support");
    let cases = file["queries"].as_array().unwrap();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let listing: Listing = parse(&case["listing"], name);
        let params: Vec<(String, String)> = parse(&case["params"], name);
        check(read_query(listing, &params), case, name);
    }
}

#[test]
fn each_outcome_has_its_status_word() {
    let file = read_vectors("support");
    let statuses = file["statuses"].as_object().unwrap();
    assert_eq!(statuses.len(), 8);
    for (outcome, word) in statuses {
        let o: AttemptOutcome = parse(&Value::String(outcome.clone()), outcome);
        let status = attempt_status(o);
        assert_eq!(&serde_json::to_value(status).unwrap(), word, "{outcome}");
        assert!(
            attempt_outcomes(status).contains(&outcome.as_str()),
            "{outcome}"
        );
    }
}

#[test]
fn cancels() {
    let file = read_vectors("support");
    for case in file["cancels"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let delivery: DeliveryNow = parse(&case["delivery"], name);
        check(
            cancel(&delivery, case["nowMs"].as_i64().unwrap()),
            case,
            name,
        );
    }
}

#[test]
fn recoveries() {
    let file = read_vectors("support");
    for case in file["recoveries"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        check(recovery(&case["body"]), case, name);
    }
}

#[test]
fn tenant_tokens() {
    let file = read_vectors("support");
    let tokens = &file["tokens"];
    let key = TokenKey::derive(tokens["secret"].as_str().unwrap().as_bytes()).unwrap();
    for case in tokens["issued"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let nonce: [u8; 16] = hex::decode(case["nonceHex"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let got = IssueOptions::from_body(&case["options"]).and_then(|o| {
            key.issue(
                case["tenant"].as_str().unwrap(),
                &o,
                case["nowMs"].as_i64().unwrap(),
                &nonce,
            )
        });
        check(got, case, name);
    }
    for case in tokens["checks"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let access: Access = parse(&case["access"], name);
        let got = key.check(
            case["token"].as_str().unwrap(),
            case["tenant"].as_str().unwrap(),
            access,
            case["nowMs"].as_i64().unwrap(),
        );
        check(got, case, name);
    }
}
