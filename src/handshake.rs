//! The providers' endpoint verifications: the requests Slack, Zoom and Discord send when a URL is
//! registered, and what to answer them with (HTTP 200, this JSON). Decided on a request already
//! verified under the provider's scheme, from its body read as `JSON.parse` reads it ([`json`]):
//! - Slack: `type` the string `"url_verification"` and `challenge` a string: `{"challenge":...}`;
//! - Discord (PING): `type` a number that is 1 as a double (`1`, `1.0`, `10e-1`): `{"type":1}`;
//! - Zoom: `event` the string `"endpoint.url_validation"` and `payload.plainToken` a string of
//!   at most [`MAX_PLAIN_TOKEN`] UTF-16 units: `{"plainToken":...,"encryptedToken":...}`, the
//!   token the hex HMAC-SHA256 of the plainToken's UTF-8 under the key that verified the request.
//!
//! The challenge and the plainToken are the sender's strings: written back escaped as
//! `JSON.stringify` writes them, so they parse back to the same string whatever they hold.

use crate::json::{self, JsValue};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::scheme::{zoom, HmacKey, Scheme};

/// The most body bytes read for a handshake when the caller did not have the body parsed
/// (`jsonParse: false`): a handshake's body is small.
pub const MAX_UNPARSED_BYTES: usize = 4096;

/// The longest `plainToken` answered, in UTF-16 units (JavaScript's string length).
pub const MAX_PLAIN_TOKEN: usize = 1024;

/// What to answer a request verified under `scheme` with this `body`, or `None` when it is no
/// handshake. `parsed`: the caller had the body parsed as JSON (else only the first
/// [`MAX_UNPARSED_BYTES`] are considered). `zoom_key`: the key that verified a Zoom request.
pub fn answer(
    scheme: Scheme,
    body: &[u8],
    parsed: bool,
    zoom_key: Option<&HmacKey>,
) -> Option<String> {
    if !matches!(scheme, Scheme::Slack | Scheme::Zoom | Scheme::Discord) {
        return None;
    }
    if !parsed && body.len() > MAX_UNPARSED_BYTES {
        return None;
    }
    // The rule's first member first: a request that is no handshake is read once.
    let string = |path: &[&str]| match json::js_member(body, path) {
        Some(JsValue::String(s)) => Some(s),
        _ => None,
    };
    let mut out = Vec::new();
    match scheme {
        Scheme::Discord => {
            return (json::js_member(body, &["type"]) == Some(JsValue::One))
                .then(|| "{\"type\":1}".into())
        }
        Scheme::Slack => {
            if string(&["type"])? != b"url_verification" {
                return None;
            }
            out.extend_from_slice(b"{\"challenge\":");
            quote(&string(&["challenge"])?, &mut out);
        }
        _ => {
            if string(&["event"])? != b"endpoint.url_validation" {
                return None;
            }
            let plain = string(&["payload", "plainToken"])?;
            if utf16_len(&plain) > MAX_PLAIN_TOKEN {
                return None;
            }
            // The token is over the plainToken's UTF-8, a lone surrogate as U+FFFD (what
            // TextEncoder gives for the same string).
            let token = zoom::handshake_token(zoom_key?, &utf8(&plain));
            out.extend_from_slice(b"{\"plainToken\":");
            quote(&plain, &mut out);
            out.extend_from_slice(b",\"encryptedToken\":\"");
            out.extend_from_slice(token.as_bytes());
            out.push(b'"');
        }
    }
    out.push(b'}');
    String::from_utf8(out).ok()
}

/// A WTF-8 string's length as JavaScript counts it (UTF-16 units): one per character (a lone
/// surrogate included), two past U+FFFF.
fn utf16_len(wtf8: &[u8]) -> usize {
    wtf8.iter()
        .map(|&b| match b {
            0x80..=0xBF => 0,
            0xF0.. => 2,
            _ => 1,
        })
        .fold(0, usize::saturating_add)
}

/// The bytes of a lone surrogate in WTF-8 after its first (`ED`): the second is `A0` or more.
fn lone(first: u8, rest: &mut core::slice::Iter<'_, u8>) -> Option<(u8, u8)> {
    let mut peek = rest.clone();
    match (first, peek.next(), peek.next()) {
        (0xED, Some(&b1 @ 0xA0..), Some(&b2)) => {
            *rest = peek;
            Some((b1, b2))
        }
        _ => None,
    }
}

/// A WTF-8 string as UTF-8, a lone surrogate as U+FFFD (what TextEncoder writes for it).
fn utf8(wtf8: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(wtf8.len());
    let mut it = wtf8.iter();
    while let Some(&b) = it.next() {
        match lone(b, &mut it) {
            Some(_) => out.extend_from_slice("\u{fffd}".as_bytes()),
            None => out.push(b),
        }
    }
    out
}

/// A WTF-8 string as a JSON string, as `JSON.stringify` writes it: `"` and `\` escaped, control
/// characters as `\b \f \n \r \t` or `\u00XX`, a lone surrogate as `\uXXXX` (lowercase hex),
/// everything else as it is.
fn quote(wtf8: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    let mut it = wtf8.iter();
    while let Some(&b) = it.next() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0C => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0..=0x1F => {
                unicode_escape(u16::from(b), out);
                continue;
            }
            _ => {
                match lone(b, &mut it) {
                    Some((b1, b2)) => unicode_escape(
                        0xD000 | (u16::from(b1 & 0x3F) << 6) | u16::from(b2 & 0x3F),
                        out,
                    ),
                    None => out.push(b),
                }
                continue;
            }
        };
        out.extend_from_slice(&[b'\\', short]);
    }
    out.push(b'"');
}

fn unicode_escape(unit: u16, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\\u");
    out.extend_from_slice(hex::encode(unit.to_be_bytes()).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> HmacKey {
        HmacKey::from_bytes(b"zoom-secret-token").unwrap()
    }

    fn slack(body: &str) -> Option<String> {
        answer(Scheme::Slack, body.as_bytes(), false, None)
    }

    #[test]
    fn slack_challenge_as_json_parse_reads_it() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                r#"{"type":"url_verification","challenge":"abc"}"#,
                Some(r#"{"challenge":"abc"}"#),
            ),
            // Whitespace, other members, nesting, escapes in names and values.
            (
                " {\n\t\"token\" : {\"a\":[1,{\"type\":2}]} , \"\\u0074ype\" : \"\\u0075rl_verification\" , \"challenge\" : \"a\\/b\" }\r\n",
                Some(r#"{"challenge":"a/b"}"#),
            ),
            // The last of repeated members wins, as in JSON.parse.
            (
                r#"{"type":"x","challenge":"1","type":"url_verification","challenge":"2"}"#,
                Some(r#"{"challenge":"2"}"#),
            ),
            (
                r#"{"type":"url_verification","challenge":"1","type":"x"}"#,
                None,
            ),
            (
                r#"{"type":"url_verification","challenge":"1","challenge":2}"#,
                None,
            ),
            // Escaped back as JSON.stringify writes it.
            (
                r#"{"type":"url_verification","challenge":"q\"b\\s\u0001\b\f\n\r\t\u001fé\u00e9😀\ud83d\ude00\u2028"}"#,
                Some("{\"challenge\":\"q\\\"b\\\\s\\u0001\\b\\f\\n\\r\\t\\u001féé😀😀\u{2028}\"}"),
            ),
            // A lone surrogate (JSON.parse keeps it; JSON.stringify escapes it).
            (
                r#"{"type":"url_verification","challenge":"a\uD800b\uDC00"}"#,
                Some(r#"{"challenge":"a\ud800b\udc00"}"#),
            ),
            (r#"{"type":"url_verification","challenge":""}"#, Some(r#"{"challenge":""}"#)),
            // Not the handshake.
            (r#"{"type":"url_verification"}"#, None),
            (r#"{"type":"url_verification","challenge":null}"#, None),
            (r#"{"type":"url_verification","challenge":["a"]}"#, None),
            (r#"{"type":"URL_verification","challenge":"a"}"#, None),
            (r#"{"type":"url_verification\u0000","challenge":"a"}"#, None),
            (r#"{"event":{"type":"url_verification","challenge":"a"}}"#, None),
            (r#"[{"type":"url_verification","challenge":"a"}]"#, None),
            // Not JSON: JSON.parse throws.
            (r#"{"type":"url_verification","challenge":"a"} x"#, None),
            (r#"{"type":"url_verification","challenge":"a",}"#, None),
            ("{\"type\":\"url_verification\",\"challenge\":\"a\u{1}\"}", None),
            ("\u{feff}{\"type\":\"url_verification\",\"challenge\":\"a\"}", None),
            ("", None),
        ];
        for (body, want) in cases {
            assert_eq!(slack(body).as_deref(), *want, "{body}");
        }
        assert_eq!(
            answer(
                Scheme::Slack,
                b"{\"type\":\"url_verification\",\"challenge\":\"\xff\"}",
                false,
                None
            ),
            None,
            "not UTF-8"
        );
    }

    #[test]
    fn only_the_providers_schemes_and_bounded_when_not_parsed() {
        let body = r#"{"type":"url_verification","challenge":"abc"}"#;
        for scheme in [
            Scheme::StandardWebhooks,
            Scheme::GitHub,
            Scheme::Zoom,
            Scheme::Discord,
        ] {
            assert_eq!(
                answer(scheme, body.as_bytes(), true, Some(&key())),
                None,
                "{scheme:?}"
            );
        }
        let big = format!(
            r#"{{"type":"url_verification","challenge":"abc","pad":"{}"}}"#,
            "x".repeat(MAX_UNPARSED_BYTES)
        );
        assert_eq!(answer(Scheme::Slack, big.as_bytes(), false, None), None);
        assert_eq!(
            answer(Scheme::Slack, big.as_bytes(), true, None).as_deref(),
            Some(r#"{"challenge":"abc"}"#)
        );
        let at = format!("{body:<width$}", width = MAX_UNPARSED_BYTES);
        assert!(answer(Scheme::Slack, at.as_bytes(), false, None).is_some());
    }

    #[test]
    fn discord_ping_is_type_one_as_a_double() {
        for one in [
            "1",
            "1.0",
            "1.000",
            "1e0",
            "1E+0",
            "10e-1",
            "0.1e1",
            "100E-2",
            "0.00001e5",
            "1.0000000000000001",
            "1.00000000000000011102230246251565404236316680908203125",
            "0.999999999999999944488848768742172978818416595458984375",
        ] {
            let body = format!(r#"{{"id":"1","type":{one}}}"#);
            assert_eq!(
                answer(Scheme::Discord, body.as_bytes(), false, None).as_deref(),
                Some(r#"{"type":1}"#),
                "{one}"
            );
        }
        for other in [
            "2",
            "0",
            "-1",
            "-0",
            "11",
            "1.1",
            "0.1",
            "1e1",
            "1e-99999999999999999999",
            "1.00000000000000011102230246251565404236316680908203126",
            "0.999999999999999944488848768742172978818416595458984374",
            "\"1\"",
            "true",
            "[1]",
            "{\"type\":1}",
        ] {
            let body = format!(r#"{{"id":"1","type":{other}}}"#);
            assert_eq!(
                answer(Scheme::Discord, body.as_bytes(), false, None),
                None,
                "{other}"
            );
        }
        assert_eq!(
            answer(Scheme::Discord, br#"{"type":1,"type":2}"#, false, None),
            None
        );
        assert!(answer(Scheme::Discord, br#"{"type":2,"type":1}"#, false, None).is_some());
    }

    /// Against Rust's own correctly rounded reading of a double (what JSON.parse does).
    #[test]
    fn one_agrees_with_the_nearest_double() {
        use proptest::prelude::*;
        let number = (
            proptest::option::of("0|[1-9][0-9]{0,3}"),
            proptest::option::of("0{0,20}[0-9]{0,40}"),
            proptest::option::of("[eE][+-]?[0-9]{1,3}"),
        )
            .prop_map(|(int, frac, exp)| {
                let mut s = int.unwrap_or_else(|| "0".into());
                if let Some(f) = frac.filter(|f| !f.is_empty()) {
                    s = format!("{s}.{f}");
                }
                s + exp.as_deref().unwrap_or("")
            });
        let near = prop_oneof![
            Just("1".to_owned()),
            Just("0.".to_owned()),
            Just("1.".to_owned()),
            Just("10".to_owned())
        ];
        let close = (
            near,
            "[09]{0,18}[0-9]{0,40}",
            proptest::option::of("e-?[01]"),
        )
            .prop_map(|(a, b, e)| {
                let s = if a.ends_with('.') || b.is_empty() || a == "10" {
                    format!("{a}{b}")
                } else {
                    format!("{a}.{b}")
                };
                s + e.as_deref().unwrap_or("")
            });
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&prop_oneof![number, close], |text| {
                if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                    return Ok(());
                }
                let want = text.parse::<f64>().unwrap() == 1.0;
                assert_eq!(json_is_one(&text), want, "{text}");
                Ok(())
            })
            .unwrap();
    }

    fn json_is_one(number: &str) -> bool {
        let body = format!(r#"{{"type":{number}}}"#);
        answer(Scheme::Discord, body.as_bytes(), false, None).is_some()
    }

    #[test]
    fn zoom_token_under_the_key_that_verified() {
        let token = |plain: &str| hex::encode(key().tag_bytes(&[plain.as_bytes()]));
        let body = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
        let want = format!(
            r#"{{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"{}"}}"#,
            token("qgg8vlvZRS6UYooatFL8Aw")
        );
        assert_eq!(
            answer(Scheme::Zoom, body.as_bytes(), false, Some(&key())),
            Some(want)
        );
        assert_eq!(
            answer(Scheme::Zoom, body.as_bytes(), false, None),
            None,
            "no key"
        );
        // Escaped in the answer; the token over the string's UTF-8.
        let body =
            r#"{"event":"endpoint.url_validation","payload":{"plainToken":"a\"\\\u00e9\n"}}"#;
        let want = format!(
            r#"{{"plainToken":"a\"\\é\n","encryptedToken":"{}"}}"#,
            token("a\"\\é\n")
        );
        assert_eq!(
            answer(Scheme::Zoom, body.as_bytes(), false, Some(&key())),
            Some(want)
        );
        // A lone surrogate: escaped back, U+FFFD in the token's input (TextEncoder's reading).
        let body = r#"{"event":"endpoint.url_validation","payload":{"plainToken":"\udc00"}}"#;
        let want = format!(
            r#"{{"plainToken":"\udc00","encryptedToken":"{}"}}"#,
            token("\u{fffd}")
        );
        assert_eq!(
            answer(Scheme::Zoom, body.as_bytes(), false, Some(&key())),
            Some(want)
        );
        // The last payload wins whole; its last plainToken.
        let body =
            r#"{"event":"endpoint.url_validation","payload":{"plainToken":"a","plainToken":"b"}}"#;
        assert!(answer(Scheme::Zoom, body.as_bytes(), false, Some(&key()))
            .unwrap()
            .starts_with(r#"{"plainToken":"b","#));
        for body in [
            r#"{"event":"endpoint.url_validation","payload":{"plainToken":"a"},"payload":{}}"#,
            r#"{"event":"endpoint.url_validation","payload":{"plainToken":1}}"#,
            r#"{"event":"endpoint.url_validation","payload":"{\"plainToken\":\"a\"}"}"#,
            r#"{"event":"endpoint.url_validation","payload":{"x":{"plainToken":"a"}}}"#,
            r#"{"event":"endpoint.url_validation","plainToken":"a"}"#,
            r#"{"event":"meeting.started","payload":{"plainToken":"a"}}"#,
        ] {
            assert_eq!(
                answer(Scheme::Zoom, body.as_bytes(), false, Some(&key())),
                None,
                "{body}"
            );
        }
        // At most 1024 UTF-16 units: an astral character counts two.
        let at = |plain: &str| {
            let body = format!(
                r#"{{"event":"endpoint.url_validation","payload":{{"plainToken":"{plain}"}}}}"#
            );
            answer(Scheme::Zoom, body.as_bytes(), true, Some(&key())).is_some()
        };
        assert!(at(&"x".repeat(MAX_PLAIN_TOKEN)));
        assert!(!at(&"x".repeat(MAX_PLAIN_TOKEN + 1)));
        assert!(at(&"😀".repeat(MAX_PLAIN_TOKEN / 2)));
        assert!(!at(&format!("{}x", "😀".repeat(MAX_PLAIN_TOKEN / 2))));
        assert!(at(&"\\u0078".repeat(MAX_PLAIN_TOKEN)), "counted unescaped");
    }
}
