//! The verifier end to end on attacker-shaped requests: arbitrary header names and values (the
//! signature headers of every scheme included) and bodies, under every scheme and detection.
#![no_main]

use hookline::scheme::{CustomScheme, Format, Scheme};
use hookline::verify::{KeyInput, SchemeVerifier, Target, Verifier};
use hookline::VerifyOptions;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 27] = [
    "webhook-id", "webhook-timestamp", "webhook-signature", "svix-signature", "stripe-signature",
    "x-hub-signature-256", "x-github-event", "x-slack-signature", "x-slack-request-timestamp",
    "x-shopify-hmac-sha256", "x-signature-ed25519", "x-signature-timestamp", "linear-signature",
    "x-custom-signature", "x-custom-timestamp", "x-other", "x-twilio-signature",
    "paddle-signature", "x-square-hmacsha256-signature", "x-zm-signature",
    "x-zm-request-timestamp", "x-hubspot-signature-v3", "x-hubspot-request-timestamp",
    "x-vercel-signature", "x-hub-signature", "x-gitlab-token",
    "x-twilio-email-event-webhook-signature",
];

fuzz_target!(|input: (Vec<(u8, String)>, Vec<u8>, i64, u16)| {
    let (raw_headers, body, now, tolerance) = input;
    let headers: Vec<(String, String)> = raw_headers
        .into_iter()
        .take(32)
        .map(|(n, v)| (NAMES[n as usize % NAMES.len()].to_owned(), v))
        .collect();
    let keys = [
        KeyInput::Text("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        KeyInput::Text("whpk_zhyWG+bGbSk7Ib7Rh3Zc3uw+rZ6TNQL4wURByqY+c6U="),
        KeyInput::Text("da7620b2bc12f7f40278d0ed16b7be5a4d9a1546968ba01cab5067e3dd3ff1db"),
        KeyInput::Text("plain text secret"),
        // A SendGrid verification key (P-256 SPKI), so its verification runs too.
        KeyInput::Text("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ=="),
    ];
    let options = VerifyOptions::with_tolerance(u64::from(tolerance));
    let custom = CustomScheme::new("x-custom-signature")
        .and_then(|c| c.with_timestamp_header("x-custom-timestamp"))
        .ok();
    if let Ok(v) = Verifier::new(None, custom.clone(), &keys, options) {
        let _ = v.verify(&headers, &body, now);
    }
    // The URL the providers' URL-signing schemes read (a query with bodySHA256 among them).
    let url = headers.first().map(|(_, v)| v.as_str());
    let target = Target { url, method: Some("POST") };
    for scheme in [
        Scheme::StandardWebhooks, Scheme::Stripe, Scheme::GitHub, Scheme::Slack,
        Scheme::Shopify, Scheme::Discord, Scheme::Linear, Scheme::Twilio, Scheme::Paddle,
        Scheme::Square, Scheme::Zoom, Scheme::HubSpot, Scheme::Vercel, Scheme::Intercom,
        Scheme::GitLab, Scheme::SendGrid,
    ] {
        for key in keys {
            if let Ok(v) = SchemeVerifier::new(scheme, &[key], options) {
                let _ = v.verify_at(&headers, &body, now, target);
            }
        }
    }
    if let Some(c) = custom {
        let stripe_form = c.clone().with_format(Format::Stripe);
        for c in [c, stripe_form] {
            if let Ok(v) = SchemeVerifier::custom(c, &keys[3..], options) {
                let _ = v.verify(&headers, &body, now);
            }
        }
    }
});
