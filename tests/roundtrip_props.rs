//! Properties over every scheme: what is signed verifies; any single-byte change in the body, id,
//! timestamp or signature is rejected; tolerance edges hold to the second.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use hookline::scheme::{CustomScheme, Scheme};
use hookline::secret::SigningKey;
use hookline::verify::{KeyInput, SchemeVerifier};
use hookline::Signer;
use hookline::VerifyOptions;
use proptest::prelude::*;

const SCHEMES: [Scheme; 8] = [
    Scheme::StandardWebhooks,
    Scheme::StandardWebhooks, // again with an ed25519 (v1a) key
    Scheme::Stripe,
    Scheme::GitHub,
    Scheme::Slack,
    Scheme::Shopify,
    Scheme::Discord,
    Scheme::Custom,
];

struct Case {
    signer: Signer,
    verifier: SchemeVerifier,
    timestamped: bool,
}

fn case(which: usize, seed: [u8; 32], tolerance: u64) -> Case {
    let options = VerifyOptions::with_tolerance(tolerance);
    let text = format!("s3cr3t-{}", hex::encode(&seed[..8]));
    let whsec = hookline::Secret::from_random(seed).expose_encoded();
    let sk = SigningKey::from_seed(seed);
    let (signer, verifier) = match which {
        0 => (
            Signer::new(Scheme::StandardWebhooks, &[KeyInput::Text(&whsec)]).unwrap(),
            SchemeVerifier::new(Scheme::StandardWebhooks, &[KeyInput::Text(&whsec)], options)
                .unwrap(),
        ),
        1 => (
            Signer::new(
                Scheme::StandardWebhooks,
                &[KeyInput::Text(&sk.expose_whsk())],
            )
            .unwrap(),
            SchemeVerifier::new(
                Scheme::StandardWebhooks,
                &[KeyInput::Text(&sk.public_key().to_whpk())],
                options,
            )
            .unwrap(),
        ),
        6 => (
            Signer::new(Scheme::Discord, &[KeyInput::Bytes(&seed)]).unwrap(),
            SchemeVerifier::new(
                Scheme::Discord,
                &[KeyInput::Text(&sk.public_key().to_hex())],
                options,
            )
            .unwrap(),
        ),
        7 => {
            let c = CustomScheme::new("x-test-signature")
                .unwrap()
                .with_prefix("sha256=")
                .unwrap()
                .with_timestamp_header("x-test-timestamp")
                .unwrap();
            (
                Signer::custom(c.clone(), &[KeyInput::Text(&text)]).unwrap(),
                SchemeVerifier::custom(c, &[KeyInput::Text(&text)], options).unwrap(),
            )
        }
        n => (
            Signer::new(SCHEMES[n], &[KeyInput::Text(&text)]).unwrap(),
            SchemeVerifier::new(SCHEMES[n], &[KeyInput::Text(&text)], options).unwrap(),
        ),
    };
    let timestamped = !matches!(which, 3 | 5);
    Case {
        signer,
        verifier,
        timestamped,
    }
}

fn signature_header(headers: &[(String, String)]) -> usize {
    headers
        .iter()
        .position(|(k, _)| {
            (k.contains("signature") && !k.contains("timestamp"))
                || k.contains("hmac")
                || k.ends_with("ed25519")
        })
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sign_then_verify_and_every_single_change_is_rejected(
        which in 0usize..8,
        seed in any::<[u8; 32]>(),
        body in proptest::collection::vec(any::<u8>(), 0..300),
        id in "msg_[A-Za-z0-9]{1,20}",
        ts in 1_000_000_000i64..4_000_000_000,
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let c = case(which, seed, 300);
        let headers = c.signer.sign(&id, ts, &body).unwrap();
        prop_assert!(c.verifier.verify(&headers, &body, ts).is_ok());

        if !body.is_empty() {
            let mut b = body.clone();
            let at = flip.index(b.len());
            b[at] ^= 1 << bit;
            prop_assert_eq!(c.verifier.verify(&headers, &b, ts).unwrap_err().code(), "no_matching_signature");
        }
        let mut longer = body.clone();
        longer.push(b' ');
        prop_assert!(c.verifier.verify(&headers, &longer, ts).is_err());

        // One character of the signature changed.
        let at = signature_header(&headers);
        let mut h = headers.clone();
        let mut sig = h[at].1.clone().into_bytes();
        let i = sig.len() - 1 - flip.index(sig.len().min(20));
        sig[i] = if sig[i] == b'0' { b'1' } else { b'0' };
        h[at].1 = String::from_utf8(sig).unwrap();
        prop_assert!(c.verifier.verify(&h, &body, ts).is_err());

        // Standard Webhooks signs the id; every timestamped scheme signs the timestamp.
        if which <= 1 {
            let other: Vec<(String, String)> = headers.iter().map(|(k, v)| {
                (k.clone(), if k == "webhook-id" { format!("{v}x") } else { v.clone() })
            }).collect();
            prop_assert!(c.verifier.verify(&other, &body, ts).is_err());
        }
        if c.timestamped {
            let resigned = c.signer.sign(&id, ts + 1, &body).unwrap();
            let sig_name = headers[signature_header(&headers)].0.clone();
            let mut mixed = headers.clone();
            for (k, v) in &resigned {
                if *k != sig_name {
                    if let Some(slot) = mixed.iter_mut().find(|(mk, _)| mk == k) { slot.1 = v.clone(); }
                }
            }
            if which != 2 {
                prop_assert!(c.verifier.verify(&mixed, &body, ts).is_err(), "timestamp changed alone");
            }
        }
    }

    #[test]
    fn tolerance_edges_exact_to_the_second(
        which in prop::sample::select(vec![0usize, 1, 2, 4, 6, 7]),
        seed in any::<[u8; 32]>(),
        ts in 1_000_000_000i64..4_000_000_000,
        tolerance in 0u64..100_000,
    ) {
        let c = case(which, seed, tolerance);
        let body: &[u8] = b"[]";
        let headers = c.signer.sign("msg_1", ts, body).unwrap();
        let tol = tolerance as i64;
        prop_assert!(c.verifier.verify(&headers, body, ts + tol).is_ok());
        prop_assert!(c.verifier.verify(&headers, body, ts - tol).is_ok());
        prop_assert_eq!(c.verifier.verify(&headers, body, ts + tol + 1).unwrap_err().code(), "timestamp_too_old");
        prop_assert_eq!(c.verifier.verify(&headers, body, ts - tol - 1).unwrap_err().code(), "timestamp_too_new");
    }
}
