//! Known answers for the providers' schemes hookline verifies but does not sign, from
//! `tests/vectors/providers/*.json` (written with node:crypto by `tests/vectors/gen/providers.cjs`,
//! shared with the JS suite). Each case runs with the scheme named and, for the schemes detected
//! from their headers, detected; the others must not be detected as themselves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // not every helper is for this file
mod common;
mod vector_dir;

use hookline::scheme::Scheme;
use hookline::verify::{KeyInput, SchemeVerifier, Target, Verifier};
use hookline::{Signer, VerifyOptions};
use serde_json::Value;

fn files() -> Vec<(String, Value)> {
    let out = vector_dir::read_vector_dir("providers");
    assert_eq!(
        out.len(),
        9,
        "a vector file per provider scheme in tests/vectors/providers"
    );
    out
}

#[test]
fn every_provider_scheme_verifies_its_known_answers() {
    let mut count = 0;
    for (path, file) in files() {
        let scheme = Scheme::from_name(file["scheme"].as_str().unwrap()).unwrap();
        let detected = file["detected"].as_bool().unwrap();
        assert!(scheme.verify_only(), "{path}");
        assert_eq!(
            Signer::new(scheme, &[KeyInput::Text("k")])
                .unwrap_err()
                .code(),
            "invalid_argument",
            "{path}: signing is refused"
        );
        for case in file["verify"].as_array().unwrap() {
            let name = format!("{path}: {}", case["name"]);
            let keys = common::text_keys(&case["keys"]);
            let options = VerifyOptions {
                tolerance_secs: case.get("tolerance").and_then(Value::as_u64),
                ..Default::default()
            };
            let headers = common::header_pairs(&case["headers"]);
            let payload = case["payload"].as_str().unwrap().as_bytes();
            let now = case.get("now").and_then(Value::as_i64).unwrap_or(0);
            let target = Target {
                url: case.get("url").and_then(Value::as_str),
                method: case.get("method").and_then(Value::as_str),
            };
            let expect = &case["expect"];
            let named = match SchemeVerifier::new(scheme, &keys, options) {
                Ok(v) => v,
                Err(e) => {
                    // A key the scheme cannot read is refused when the verifier is made.
                    assert_eq!(Some(e.code()), expect["error"].as_str(), "{name}: {e}");
                    count += 1;
                    continue;
                }
            };
            let auto = Verifier::new(None, None, &keys, options);
            let mut results = vec![("named", named.verify_at(&headers, payload, now, target))];
            let named_only = case.get("named_only").is_some();
            if detected && !named_only {
                let auto = auto.unwrap();
                results.push(("detected", auto.verify_at(&headers, payload, now, target)));
            } else if !detected {
                // Never detected as this scheme: the request is another scheme's or no one's.
                if let Ok(v) = auto.and_then(|a| a.verify_at(&headers, payload, now, target)) {
                    assert_ne!(v.scheme, scheme, "{name}: detected");
                }
            }
            for (how, result) in results {
                match expect.get("error").and_then(Value::as_str) {
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
                        if let Some(ts) = expect.get("timestamp") {
                            assert_eq!(v.timestamp, ts.as_i64(), "{name} ({how})");
                        }
                        if let Some(id) = expect.get("id") {
                            assert_eq!(v.id.as_deref(), id.as_str(), "{name} ({how})");
                        }
                        if let Some(t) = expect.get("event_type") {
                            assert_eq!(v.event_type.as_deref(), t.as_str(), "{name} ({how})");
                        }
                    }
                }
                count += 1;
            }
        }
    }
    assert!(count >= 70, "only {count} verifications");
}

/// A timestamped provider's signed content re-framed under a scheme without a timestamp is a
/// downgrade when detected (the replay would verify forever), and the operator's choice when named.
#[test]
fn paddle_and_hubspot_content_reframed_as_shopify_is_a_downgrade() {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let secret = "shared-secret";
    let tag = |content: &[u8]| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(content);
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    };
    let keys = [KeyInput::Text(secret)];
    for content in [
        &b"1718000000:{\"event_type\":\"transaction.completed\"}"[..],
        b"POSThttps://hooks.example.com/hubspot[{\"eventId\":1}]1718000000250",
    ] {
        let headers = [("x-shopify-hmac-sha256", tag(content))];
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let auto = Verifier::new(None, None, &keys, VerifyOptions::default()).unwrap();
        assert_eq!(
            auto.verify(&headers, content, 1_800_000_000)
                .unwrap_err()
                .code(),
            "scheme_downgrade"
        );
        let named =
            Verifier::new(Some(Scheme::Shopify), None, &keys, VerifyOptions::default()).unwrap();
        assert!(named.verify(&headers, content, 1_800_000_000).is_ok());
    }
}
