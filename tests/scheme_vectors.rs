//! Known-answer vectors for every scheme, from `tests/vectors/schemes/*.json` (shared with the JS
//! suite). Each verify case runs twice: with the scheme named, and with it detected from headers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // not every helper is for this file
mod common;
mod vector_dir;

use hookline::scheme::{Content, CustomScheme, Encoding, Format, Scheme};
use hookline::verify::{KeyInput, SchemeVerifier, Target, Verifier};
use hookline::Signer;
use hookline::VerifyOptions;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};

use hmac::{Hmac, Mac};
use hookline::scheme::MacHost;

/// A host HMAC computed apart from the verifier's own keyed state, counting its calls; or one that
/// answers a wrong tag, which must never verify.
struct TestHost {
    calls: AtomicUsize,
    lie: bool,
}

impl MacHost for TestHost {
    fn tag(&self, key: &[u8], parts: &[&[u8]]) -> Option<[u8; 32]> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if self.lie {
            return Some([0; 32]);
        }
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        for p in parts {
            mac.update(p);
        }
        Some(mac.finalize().into_bytes().into())
    }
}

static HOST: TestHost = TestHost {
    calls: AtomicUsize::new(0),
    lie: false,
};
static LIAR: TestHost = TestHost {
    calls: AtomicUsize::new(0),
    lie: true,
};

fn files() -> Vec<(String, Value)> {
    let out = vector_dir::read_vector_dir("schemes");
    assert!(
        out.len() >= 8,
        "expected a vector file per scheme in tests/vectors/schemes"
    );
    out
}

fn scheme_of(file: &Value) -> Scheme {
    let name = file["scheme"].as_str().unwrap();
    Scheme::from_name(name.trim_end_matches("-v1a")).unwrap_or_else(|| panic!("scheme {name}"))
}

fn custom_of(case: &Value) -> Option<CustomScheme> {
    let c = case.get("config")?;
    let s = |k: &str| c.get(k).and_then(Value::as_str);
    let mut scheme = CustomScheme::new(s("header").unwrap()).unwrap();
    if let Some(p) = s("prefix") {
        scheme = scheme.with_prefix(p).unwrap();
    }
    if s("encoding") == Some("base64") {
        scheme = scheme.with_encoding(Encoding::Base64);
    }
    if s("format") == Some("stripe") {
        scheme = scheme.with_format(Format::Stripe);
    } else if s("content") == Some("timestamp.body") {
        scheme = scheme
            .with_timestamp_header(s("timestampHeader").unwrap())
            .unwrap();
        assert_eq!(scheme.content(), Content::TimestampDotBody);
    }
    Some(scheme)
}

fn payload_of(case: &Value) -> Vec<u8> {
    match case.get("payload_hex") {
        Some(h) => hex::decode(h.as_str().unwrap()).unwrap(),
        None => case["payload"].as_str().unwrap().as_bytes().to_vec(),
    }
}

/// A verify case's keys, options and headers.
fn verify_inputs(case: &Value) -> (Vec<KeyInput<'_>>, VerifyOptions, Vec<(String, String)>) {
    let keys = common::text_keys(&case["keys"]);
    let options = VerifyOptions {
        tolerance_secs: case.get("tolerance").and_then(Value::as_u64),
        ..Default::default()
    };
    (keys, options, common::header_pairs(&case["headers"]))
}

fn signature_header(scheme: Scheme, custom: Option<&CustomScheme>) -> String {
    match scheme {
        Scheme::StandardWebhooks => "webhook-signature",
        Scheme::Stripe => "stripe-signature",
        Scheme::GitHub => "x-hub-signature-256",
        Scheme::Slack => "x-slack-signature",
        Scheme::Shopify => "x-shopify-hmac-sha256",
        Scheme::Discord => "x-signature-ed25519",
        Scheme::Linear => "linear-signature",
        _ => return custom.unwrap().header().to_owned(),
    }
    .to_owned()
}

#[test]
fn every_scheme_signs_its_known_answers() {
    let mut count = 0;
    for (path, file) in files() {
        let scheme = scheme_of(&file);
        for case in file["sign"].as_array().unwrap() {
            let name = format!("{path}: {}", case["name"]);
            let key = case
                .get("secret")
                .or_else(|| case.get("secret_key"))
                .and_then(Value::as_str)
                .unwrap();
            let custom = custom_of(case);
            let signer = match &custom {
                Some(c) => Signer::custom(c.clone(), &[KeyInput::Text(key)]),
                None => Signer::new(scheme, &[KeyInput::Text(key)]),
            }
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            let ts = case.get("timestamp").and_then(Value::as_i64).unwrap_or(0);
            let id = case.get("id").and_then(Value::as_str).unwrap_or("msg_x");
            let headers = signer.sign(id, ts, &payload_of(case)).unwrap();
            let want = signature_header(scheme, custom.as_ref());
            let got = &headers.iter().find(|(k, _)| *k == want).unwrap().1;
            assert_eq!(got, case["signature"].as_str().unwrap(), "{name}");
            // With the tags from a host HMAC: the same signature; from a lying host, another one
            // (the host is asked), except for ed25519 keys, which never use it.
            let mut hosted = signer.clone();
            hosted.set_mac_host(&HOST);
            assert_eq!(
                hosted.sign(id, ts, &payload_of(case)).unwrap(),
                headers,
                "{name} (host)"
            );
            let mut lied = signer.clone();
            lied.set_mac_host(&LIAR);
            let ed25519 = case.get("secret_key").is_some();
            assert_eq!(
                lied.sign(id, ts, &payload_of(case)).unwrap() == headers,
                ed25519,
                "{name} (liar)"
            );
            // What was signed verifies, under the scheme detected from the headers.
            let public = case
                .get("public_key")
                .and_then(Value::as_str)
                .unwrap_or(key);
            let v = Verifier::new(
                None,
                custom,
                &[KeyInput::Text(public)],
                VerifyOptions::default(),
            )
            .unwrap();
            let now = if scheme == Scheme::Linear {
                serde_json::from_slice::<Value>(&payload_of(case)).unwrap()["webhookTimestamp"]
                    .as_i64()
                    .unwrap()
                    / 1000
            } else {
                ts
            };
            let ok = v
                .verify(&headers, &payload_of(case), now)
                .unwrap_or_else(|e| panic!("{name}: round trip: {e}"));
            assert_eq!(ok.scheme, scheme, "{name}");
            count += 1;
        }
    }
    assert!(count >= 25, "only {count} sign vectors");
}

#[test]
fn every_scheme_verifies_its_known_answers() {
    let mut count = 0;
    let mut host_calls = 0;
    for (path, file) in files() {
        let scheme = scheme_of(&file);
        for case in file["verify"].as_array().unwrap() {
            let name = format!("{path}: {}", case["name"]);
            let (keys, options, headers) = verify_inputs(case);
            let now = case.get("now").and_then(Value::as_i64).unwrap_or(0);
            let payload = payload_of(case);
            let custom = custom_of(case);
            let fixed = match &custom {
                Some(c) => SchemeVerifier::custom(c.clone(), &keys, options),
                None => SchemeVerifier::new(scheme, &keys, options),
            }
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            let auto = Verifier::new(None, custom, &keys, options).unwrap();
            // The same verdicts when the tags come from a host HMAC (Node's OpenSSL in the package).
            let mut hosted = auto.clone();
            hosted.set_mac_host(&HOST);
            let asked = HOST.calls.load(Ordering::Relaxed);
            let results = [
                ("named", fixed.verify(&headers, &payload, now)),
                ("detected", auto.verify(&headers, &payload, now)),
                ("host mac", hosted.verify(&headers, &payload, now)),
            ];
            host_calls += HOST.calls.load(Ordering::Relaxed) - asked;
            let expect = &case["expect"];
            for (how, result) in results {
                match expect.get("error").and_then(Value::as_str) {
                    Some("missing_header") if how != "named" => {
                        // Without its signature header nothing identifies the scheme.
                        let code = result.unwrap_err().code();
                        assert!(
                            code == "missing_header" || code == "unknown_scheme",
                            "{name} ({how}): {code}"
                        );
                    }
                    Some(code) => match result {
                        Ok(v) => panic!("{name} ({how}): expected {code}, verified {v:?}"),
                        Err(e) => assert_eq!(e.code(), code, "{name} ({how}): {e}"),
                    },
                    None => {
                        let v = result.unwrap_or_else(|e| panic!("{name} ({how}): {e}"));
                        assert_eq!(v.scheme, scheme, "{name} ({how})");
                        assert_eq!(
                            v.key_index as u64,
                            expect["key_index"].as_u64().unwrap(),
                            "{name} ({how})"
                        );
                        if let Some(id) = expect.get("id") {
                            assert_eq!(v.id.as_deref(), id.as_str(), "{name} ({how})");
                        }
                        if let Some(ts) = expect.get("timestamp") {
                            assert_eq!(v.timestamp, ts.as_i64(), "{name} ({how})");
                        }
                        if let Some(t) = expect.get("event_type") {
                            assert_eq!(v.event_type.as_deref(), t.as_str(), "{name} ({how})");
                        }
                    }
                }
            }
            count += 1;
        }
    }
    assert!(count >= 100, "only {count} verify vectors");
    assert!(
        host_calls >= 50,
        "the host HMAC was asked only {host_calls} times"
    );
}

#[test]
fn a_host_mac_is_used_and_its_tag_is_checked() {
    // Every valid HMAC vector fails when the host answers a wrong tag: the host's tag is the one
    // compared, and compared rather than trusted.
    let mut checked = 0;
    for (path, file) in files() {
        let scheme = scheme_of(&file);
        if scheme.uses_public_keys() || file["scheme"].as_str().unwrap().ends_with("-v1a") {
            continue;
        }
        for case in file["verify"].as_array().unwrap() {
            if case["expect"].get("error").is_some() {
                continue;
            }
            let name = format!("{path}: {}", case["name"]);
            let (keys, options, headers) = verify_inputs(case);
            let now = case.get("now").and_then(Value::as_i64).unwrap_or(0);
            let mut v = Verifier::new(None, custom_of(case), &keys, options).unwrap();
            v.set_mac_host(&LIAR);
            let before = LIAR.calls.load(Ordering::Relaxed);
            let err = v.verify(&headers, &payload_of(case), now).unwrap_err();
            assert_eq!(err.code(), "no_matching_signature", "{name}: {err}");
            assert!(
                LIAR.calls.load(Ordering::Relaxed) > before,
                "{name}: host not asked"
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} HMAC vectors");
}

/// The conformance vectors published as `hookline/vectors` (`tests/vectors/conformance.json`): each
/// case's verdict and error code with its scheme named, as `hookline conformance` runs them.
#[test]
fn the_published_conformance_vectors() {
    use base64::Engine as _;
    let path = format!(
        "{}/tests/vectors/conformance.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 100, "only {} conformance cases", cases.len());
    for case in cases {
        let name = case["id"].as_str().unwrap();
        let input = &case["input"];
        let scheme = Scheme::from_name(case["scheme"].as_str().unwrap().trim_end_matches("-v1a"))
            .unwrap_or_else(|| panic!("{name}: scheme"));
        let keys = common::text_keys(
            input
                .get("secrets")
                .or_else(|| input.get("public_keys"))
                .unwrap(),
        );
        let options = VerifyOptions {
            tolerance_secs: input.get("tolerance").and_then(Value::as_u64),
            ..Default::default()
        };
        let headers = common::header_pairs(&input["headers"]);
        let payload = match input.get("payload_base64") {
            Some(b) => base64::engine::general_purpose::STANDARD
                .decode(b.as_str().unwrap())
                .unwrap(),
            None => input["payload"].as_str().unwrap().as_bytes().to_vec(),
        };
        // A case with `detect` names no scheme: the verifier finds it from the headers.
        let detect = input.get("detect").and_then(Value::as_bool) == Some(true);
        let verifier = Verifier::new(
            (!detect).then_some(scheme),
            custom_of(input),
            &keys,
            options,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        // The URL and the method, for the schemes that sign them (Twilio, Square, HubSpot).
        let target = Target {
            url: input.get("url").and_then(Value::as_str),
            method: input.get("method").and_then(Value::as_str),
        };
        let result = verifier.verify_at(&headers, &payload, input["now"].as_i64().unwrap(), target);
        match case["expect"]["code"].as_str() {
            None => {
                assert_eq!(case["expect"]["valid"], Value::Bool(true), "{name}");
                let v = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(v.scheme, scheme, "{name}");
            }
            Some(code) => match result {
                Ok(v) => panic!("{name}: expected {code}, verified {v:?}"),
                Err(e) => assert_eq!(e.code(), code, "{name}: {e}"),
            },
        }
    }
}
