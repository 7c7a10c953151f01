//! Known-answer vectors from `tests/vectors/*.json`, shared with the JS tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // assert_partial is for the other vector files
mod common;

use hookline::scheme::Scheme;
use hookline::verify::{KeyInput, SchemeVerifier};
use hookline::Signer;
use hookline::VerifyOptions;
use serde_json::Value;

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

fn signer_of(case: &Value) -> Signer {
    match case.get("secret_raw_hex") {
        Some(h) => {
            let bytes = hex::decode(h.as_str().unwrap()).unwrap();
            Signer::new(Scheme::StandardWebhooks, &[KeyInput::Bytes(&bytes)]).unwrap()
        }
        None => Signer::new(
            Scheme::StandardWebhooks,
            &[KeyInput::Text(str_of(case, "secret"))],
        )
        .unwrap(),
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    &headers.iter().find(|(k, _)| k == name).unwrap().1
}

#[test]
fn standard_webhooks_sign() {
    let v = common::read_vectors("standard-webhooks");
    let cases = v["sign"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        let ts = case["timestamp"].as_i64().unwrap();
        let got = signer_of(case)
            .sign(str_of(case, "id"), ts, &payload_of(case))
            .unwrap();
        assert_eq!(
            header(&got, "webhook-signature"),
            str_of(case, "signature"),
            "{}",
            case["name"]
        );
        assert_eq!(header(&got, "webhook-timestamp"), ts.to_string());
    }
}

#[test]
fn standard_webhooks_secrets() {
    let v = common::read_vectors("standard-webhooks");
    let cases = v["secrets"].as_array().unwrap();
    assert!(cases.len() >= 8);
    for case in cases {
        let name = &case["name"];
        let parsed = hookline::Secret::parse(str_of(case, "secret"));
        match case.get("error") {
            Some(code) => assert_eq!(
                parsed.expect_err(&name.to_string()).code(),
                code.as_str().unwrap(),
                "{name}"
            ),
            None => assert_eq!(
                hex::encode(
                    parsed
                        .unwrap_or_else(|e| panic!("{name}: {e}"))
                        .expose_bytes()
                ),
                str_of(case, "key_hex"),
                "{name}"
            ),
        }
    }
}

#[test]
fn standard_webhooks_verify() {
    let v = common::read_vectors("standard-webhooks");
    let cases = v["verify"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = &case["name"];
        let secrets = common::text_keys(&case["secrets"]);
        let mut options = VerifyOptions::default();
        if let Some(t) = case.get("tolerance") {
            options.tolerance_secs = Some(t.as_u64().unwrap());
        }
        let verifier = SchemeVerifier::new(Scheme::StandardWebhooks, &secrets, options).unwrap();
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
                if let Some(header) = case["expect"].get("header") {
                    match err {
                        hookline::Error::MissingHeader { header: got, .. } => {
                            assert_eq!(got, header.as_str().unwrap(), "{name}")
                        }
                        other => panic!("{name}: {other:?} names no header"),
                    }
                }
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
