//! Known answers for the receiver's dedupe key, from `tests/vectors/dedupe.json` (shared with the
//! JS suite, which claims them through `verifyRequest(..., { dedupe })`): each case is signed,
//! verified as a receiver would, and the entry of the verified delivery compared.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;
use common::{assert_partial, read_vectors};
use hookline::dedupe::{dedupe_entry, DEFAULT_RETENTION_SECS};
use hookline::scheme::Scheme;
use hookline::{KeyInput, Signer, Verifier, VerifyOptions};
use serde_json::json;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[test]
fn dedupe_vectors() {
    let doc = read_vectors("dedupe");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 8);
    assert_eq!(doc["secret"].as_str().unwrap(), SECRET);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let scheme = Scheme::from_name(c["scheme"].as_str().unwrap()).unwrap();
        let body = c["body"].as_str().unwrap().as_bytes();
        let now = c["now"].as_i64().unwrap();
        let timestamp = c["timestamp"].as_i64().unwrap_or(now);
        let signer = Signer::new(scheme, &[KeyInput::Text(SECRET)]).unwrap();
        let mut headers = signer
            .sign(c["id"].as_str().unwrap_or("msg_unused"), timestamp, body)
            .unwrap();
        if let Some(extra) = c["headers"].as_object() {
            for (k, v) in extra {
                headers.push((k.clone(), v.as_str().unwrap().to_owned()));
            }
        }
        let options = match c["tolerance"].as_u64() {
            Some(t) => VerifyOptions::with_tolerance(t),
            None => VerifyOptions::default(),
        };
        let verifier =
            Verifier::new(Some(scheme), None, &[KeyInput::Text(SECRET)], options).unwrap();
        let verified = verifier
            .verify(&headers, body, now)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let tolerance = verifier.tolerance_secs(scheme).unwrap();
        let retention = c["retention"].as_u64().unwrap_or(DEFAULT_RETENTION_SECS);
        let key_id = verifier.key_id(&verified).unwrap();
        let entry = dedupe_entry(
            &verified,
            key_id,
            body,
            Default::default(),
            tolerance,
            retention,
            now,
        );
        let got = json!({ "key": entry.key, "leaseUntilMs": entry.lease_until_ms, "untilMs": entry.until_ms });
        let want =
            json!({ "key": c["key"], "leaseUntilMs": c["leaseUntilMs"], "untilMs": c["untilMs"] });
        assert_partial(&got, &want, name);
    }
}
