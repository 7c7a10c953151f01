//! The providers' endpoint verifications from `tests/vectors/handshakes.json` (written with
//! node:crypto by `tests/vectors/gen/handshakes.cjs`, shared with the JS suite, which runs them
//! through verifyRequest): each request verified under its scheme, then the answer the verifier
//! gives for it (`Verifier::handshake`), or none.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // not every helper is for this file
mod common;

use hookline::scheme::Scheme;
use hookline::verify::{Target, Verifier};
use hookline::VerifyOptions;

#[test]
fn every_handshake_vector_is_answered_as_written() {
    let file = common::read_vectors("handshakes");
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut answered = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let scheme = Scheme::from_name(case["scheme"].as_str().unwrap()).unwrap();
        if scheme == Scheme::Discord && !cfg!(feature = "ed25519") {
            continue; // the HMAC receiver build (--no-default-features) verifies no ed25519
        }
        let keys = common::text_keys(&case["keys"]);
        let headers = common::header_pairs(&case["headers"]);
        let payload = case["payload"].as_str().unwrap().as_bytes();
        let verifier = Verifier::new(Some(scheme), None, &keys, VerifyOptions::default()).unwrap();
        let verified = verifier
            .verify_at(
                &headers,
                payload,
                case["now"].as_i64().unwrap(),
                Target::default(),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let parsed = case["json_parse"].as_bool().unwrap();
        let want = case["expect"]["handshake"].as_str();
        let got = verifier.handshake(&verified, payload, parsed);
        assert_eq!(got.as_deref(), want, "{name}");
        answered += usize::from(got.is_some());
    }
    assert!(answered >= 15, "only {answered} answered");
}
