//! Envelope vectors from `tests/vectors/envelope.json`, shared with the JS suite.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // assert_partial is for the other vector files
mod common;

use hookline::envelope::{build_envelope, EnvelopeOptions, EventInput};
use serde_json::Value;

#[test]
fn envelope_vectors() {
    let v: Value = common::read_vectors("envelope");
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let name = &case["name"];
        let input: EventInput = serde_json::from_value(case["input"].clone()).unwrap();
        let options: EnvelopeOptions = serde_json::from_value(case["options"].clone()).unwrap();
        let random: [u8; 10] = hex::decode(case["random"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let result = build_envelope(&input, &options, case["nowMs"].as_i64().unwrap(), random);
        match case["expect"].get("error") {
            Some(code) => assert_eq!(result.unwrap_err().code(), code.as_str().unwrap(), "{name}"),
            None => {
                let e = result.unwrap_or_else(|err| panic!("{name}: {err}"));
                assert_eq!(e.id, case["expect"]["id"].as_str().unwrap(), "{name}");
                assert_eq!(
                    String::from_utf8(e.body).unwrap(),
                    case["expect"]["body"].as_str().unwrap(),
                    "{name}"
                );
            }
        }
    }
}
