//! Secret and key parsing: whsec_, whsk_, whpk_, hex, raw bytes, under every scheme, and signing
//! with whatever parses.
#![no_main]

use hookline::scheme::Scheme;
use hookline::secret::{PublicKey, Secret, SigningKey};
use hookline::verify::{KeyInput};
use hookline::Signer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (String, Vec<u8>, Vec<u8>, i64)| {
    let (text, bytes, payload, ts) = input;
    let _ = Secret::parse(&text);
    let _ = Secret::from_bytes(&bytes);
    let _ = PublicKey::parse_whpk(&text);
    let _ = PublicKey::parse_hex(&text);
    let _ = PublicKey::from_bytes(&bytes);
    let _ = SigningKey::parse_whsk(&text);
    let _ = SigningKey::parse_hex_seed(&text);
    for scheme in [
        Scheme::StandardWebhooks, Scheme::Stripe, Scheme::GitHub, Scheme::Slack,
        Scheme::Shopify, Scheme::Discord, Scheme::Linear,
    ] {
        for key in [KeyInput::Text(&text), KeyInput::Bytes(&bytes)] {
            if let Ok(s) = Signer::new(scheme, &[key]) {
                let _ = s.sign(&text, ts, &payload);
            }
        }
    }
});
