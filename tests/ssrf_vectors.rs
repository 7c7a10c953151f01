//! SSRF guard vectors from `tests/vectors/ssrf.json` (shared with the JS suite, where `parts` comes
//! from the platform's `new URL()`). Every case runs through `check_target` on the WHATWG parts and
//! through `check_url` on the URL string; every raw host through `check_target` as given.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

#[allow(dead_code)] // assert_partial is for the other vector files
mod common;

use hookline::ssrf::{check_ip, check_target, check_url, Target, TargetOptions, UrlParts};
use hookline::Error;
use proptest::prelude::*;
use serde_json::Value;

fn load() -> Value {
    common::read_vectors("ssrf")
}

fn options_of(case: &Value) -> TargetOptions {
    match case.get("options") {
        Some(o) => serde_json::from_value(o.clone()).unwrap_or_else(|e| panic!("options: {e}")),
        None => TargetOptions::default(),
    }
}

/// The answer as the JSON writes it: `{error, reason}` or the target's fields.
fn as_json(result: &Result<Target, Error>) -> Value {
    match result {
        Ok(t) => serde_json::json!({
            "hostKind": t.host_kind.as_str(),
            "host": t.host,
            "port": t.port,
            "allowListed": t.allow_listed,
        }),
        Err(e @ (Error::TargetNotAllowed { reason } | Error::InvalidUrl { reason })) => {
            serde_json::json!({ "error": e.code(), "reason": reason })
        }
        Err(e) => serde_json::json!({ "error": e.code(), "message": e.to_string() }),
    }
}

#[test]
fn cases() {
    let v = load();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 80, "{} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let url = case["url"].as_str().unwrap();
        let options = options_of(case);
        let expect = &case["expect"];
        if !case["parts"].is_null() {
            let parts: UrlParts = serde_json::from_value(case["parts"].clone()).unwrap();
            let got = check_target(&parts, &options);
            assert_eq!(&as_json(&got), expect, "check_target: {name} ({url})");
            // The target is stable: checking its own host again gives the same target.
            if let Ok(t) = &got {
                let again = UrlParts {
                    host: t.host.clone(),
                    ..parts.clone()
                };
                assert_eq!(check_target(&again, &options).as_ref(), Ok(t), "{name}");
                if let Some(ip) = t.ip {
                    assert_eq!(check_ip(ip, &options), Ok(()), "check_ip: {name}");
                }
            }
        }
        let url_expect = if case["urlAgrees"].as_bool().unwrap() {
            expect
        } else {
            &case["urlExpect"]
        };
        assert_eq!(
            &as_json(&check_url(url, &options)),
            url_expect,
            "check_url: {name} ({url})"
        );
    }
}

#[test]
fn raw_hosts() {
    let v = load();
    let hosts = v["hosts"].as_array().unwrap();
    assert!(hosts.len() >= 40);
    let options = TargetOptions::default();
    let parts = |host: &str| UrlParts {
        scheme: "http".into(),
        host: host.into(),
        ..UrlParts::default()
    };
    for case in hosts {
        let host = case["host"].as_str().unwrap();
        let expect = &case["expect"];
        let got = as_json(&check_target(&parts(host), &options));
        assert_eq!(&got, expect, "raw host {host:?}");
        // However the host was spelled, WHATWG's reading of it gets the same verdict.
        if let (Some(whatwg), false) = (case["whatwg"].as_str(), expect["error"] == "invalid_url") {
            let normalized = as_json(&check_target(&parts(whatwg), &options));
            assert_eq!(&normalized, expect, "{host:?} read as {whatwg:?}");
        }
    }
}

#[test]
fn options_reject_unknown_fields() {
    let bad = serde_json::json!({ "httpsOnly": true, "allowList": [] });
    assert!(serde_json::from_value::<TargetOptions>(bad).is_err());
    let good: TargetOptions = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(good, TargetOptions::default());
}

fn host_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-fA-FxX.:%\\[\\]]{0,40}",
        "[a-z0-9.\\-]{0,30}",
        (any::<u32>(), 0_u8..4).prop_map(|(n, style)| match style {
            0 => n.to_string(),
            1 => format!("0x{n:x}"),
            2 => format!("0{n:o}"),
            _ => {
                let [a, b, c, d] = n.to_be_bytes();
                format!("{a}.{b}.{c}.{d}.")
            }
        }),
    ]
}

proptest! {
    #[test]
    fn never_panics_on_urls(url in any::<String>(), tail in "[ -~]{0,40}") {
        let _ = check_url(&url, &TargetOptions::default());
        let _ = check_url(&format!("http://{tail}"), &TargetOptions::default());
    }

    #[test]
    fn never_panics_on_parts(
        scheme in any::<String>(),
        username in any::<String>(),
        host in host_strategy(),
        port in any::<Option<u16>>(),
        allow in proptest::collection::vec(host_strategy(), 0..3),
    ) {
        let parts = UrlParts { scheme, username, password: String::new(), host, port };
        let options = TargetOptions { allow, ..TargetOptions::default() };
        let _ = check_target(&parts, &options);
    }

    /// Every WHATWG spelling of an address gets the verdict of the address itself.
    #[test]
    fn ipv4_spellings_agree(n in any::<u32>()) {
        let addr = std::net::Ipv4Addr::from(n);
        let [a, b, c, d] = n.to_be_bytes();
        let options = TargetOptions::default();
        let want = check_ip(addr.into(), &options);
        for host in [
            addr.to_string(),
            n.to_string(),
            format!("0x{n:x}"),
            format!("0{n:o}"),
            format!("{a}.{}", u32::from_be_bytes([0, b, c, d])),
            format!("0x{a:x}.0{b:o}.{c}.0x{d:X}"),
            format!("[::ffff:{addr}]"),
        ] {
            let parts = UrlParts { scheme: "https".into(), host: host.clone(), ..UrlParts::default() };
            let got = check_target(&parts, &options).map(|_| ());
            prop_assert_eq!(&got, &want, "{}", host);
        }
    }
}
