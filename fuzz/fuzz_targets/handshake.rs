//! The providers' handshakes on attacker-shaped bodies: `handshake::answer` never panics (a panic
//! would trap the receiver's wasm instance), and on any body serde_json reads, its answer is the
//! one `JSON.parse` would lead to (the same members; the last of a repeated name): Slack's challenge
//! and Zoom's plainToken come back as the same strings, Discord's PING as `{"type":1}`.
#![no_main]

use hookline::handshake::{answer, MAX_PLAIN_TOKEN, MAX_UNPARSED_BYTES};
use hookline::scheme::{zoom, HmacKey, Scheme};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|input: (u8, bool, Vec<u8>)| {
    let (which, parsed, body) = input;
    let scheme =
        [Scheme::Slack, Scheme::Zoom, Scheme::Discord, Scheme::GitHub][usize::from(which % 4)];
    let Ok(key) = HmacKey::from_bytes(b"zoom secret token") else {
        return;
    };
    let got = answer(scheme, &body, parsed, Some(&key));
    // The reference: serde_json reads the same document (it keeps the last of a repeated name, as
    // JSON.parse does; it refuses lone surrogates, which JSON.parse keeps, so those bodies have no
    // reference here).
    let Ok(doc) = serde_json::from_slice::<Value>(&body) else {
        return;
    };
    if !parsed && body.len() > MAX_UNPARSED_BYTES {
        assert_eq!(got, None);
        return;
    }
    let text = |v: &Value, path: &[&str]| {
        path.iter()
            .try_fold(v, |v, k| v.as_object().and_then(|o| o.get(*k)))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let expected = match scheme {
        Scheme::Slack => match (text(&doc, &["type"]).as_deref(), text(&doc, &["challenge"])) {
            (Some("url_verification"), Some(challenge)) => {
                Some(serde_json::json!({ "challenge": challenge }))
            }
            _ => None,
        },
        Scheme::Discord => doc
            .get("type")
            .and_then(Value::as_f64)
            .filter(|t| *t == 1.0)
            .map(|_| serde_json::json!({ "type": 1 })),
        Scheme::Zoom => match (
            text(&doc, &["event"]).as_deref(),
            text(&doc, &["payload", "plainToken"]),
        ) {
            (Some("endpoint.url_validation"), Some(plain))
                if plain.encode_utf16().count() <= MAX_PLAIN_TOKEN =>
            {
                let token = zoom::handshake_token(&key, plain.as_bytes());
                Some(serde_json::json!({ "plainToken": plain, "encryptedToken": token }))
            }
            _ => None,
        },
        _ => None,
    };
    let got: Option<Value> = got.map(|a| serde_json::from_str(&a).expect("the answer is JSON"));
    assert_eq!(got, expected, "body {:?}", String::from_utf8_lossy(&body));
});
