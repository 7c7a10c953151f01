//! Known-answer vectors from `tests/vectors/*.json`, shared with the JS tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use hookline::scheme::Scheme;
use hookline::{Secret, Verifier, VerifyOptions};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn payload_of(case: &Value) -> Vec<u8> {
    match case.get("payload_hex") {
        Some(h) => hex::decode(h.as_str().unwrap()).unwrap(),
        None => str_of(case, "payload").as_bytes().to_vec(),
    }
}

fn secret_of(case: &Value) -> Secret {
    match case.get("secret_raw_hex") {
        Some(h) => Secret::from_bytes(&hex::decode(h.as_str().unwrap()).unwrap()).unwrap(),
        None => Secret::parse(str_of(case, "secret")).unwrap(),
    }
}

#[test]
fn standard_webhooks_sign() {
    let v = load("standard-webhooks.json");
    let cases = v["sign"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        let verifier = Verifier::new(
            Scheme::StandardWebhooks,
            &[secret_of(case)],
            VerifyOptions::default(),
        )
        .unwrap();
        let ts = case["timestamp"].as_i64().unwrap();
        let got = verifier
            .sign(str_of(case, "id"), ts, &payload_of(case))
            .unwrap();
        assert_eq!(got, str_of(case, "signature"), "{}", case["name"]);
    }
}

#[test]
fn standard_webhooks_verify() {
    let v = load("standard-webhooks.json");
    let cases = v["verify"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = &case["name"];
        let secrets: Vec<Secret> = case["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| Secret::parse(s.as_str().unwrap()).unwrap())
            .collect();
        let mut options = VerifyOptions::default();
        if let Some(t) = case.get("tolerance") {
            options.tolerance_secs = t.as_u64().unwrap();
        }
        let verifier = Verifier::new(Scheme::StandardWebhooks, &secrets, options).unwrap();
        let headers: Vec<(String, String)> = case["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let now = case["now"].as_i64().unwrap();
        let result = verifier.verify(&headers, &payload_of(case), now);
        match case["expect"].get("error") {
            Some(code) => {
                let err = result.expect_err(&name.to_string());
                assert_eq!(err.code(), code.as_str().unwrap(), "{name}");
            }
            None => {
                let ok = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    ok.key_index as u64,
                    case["expect"]["key_index"].as_u64().unwrap(),
                    "{name}"
                );
            }
        }
    }
}
