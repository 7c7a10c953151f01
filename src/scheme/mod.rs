//! Signature schemes, one module each, and what they share: the keyed MAC, tag decoding, timestamp
//! parsing and detection of the scheme from the headers.
//!
//! A scheme knows which headers it reads, what bytes are signed and how signatures are encoded. What
//! the schemes share with the receiver ([`crate::verify`]) and the signer ([`crate::sign`]) is the
//! leaf [`keys`]: keys, results, the tolerance check; the receiver holds the keys and dispatches.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::sync::Arc;

use base64::Engine as _;
use hmac::digest::CtOutput;
use hmac::{Hmac, Mac};
#[cfg(feature = "providers")]
use sha1::Sha1;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::headers::HeaderSource;
use crate::secret::BASE64_LENIENT;

pub mod custom;
pub mod discord;
pub mod github;
pub mod gitlab;
pub mod hubspot;
pub mod intercom;
pub mod keys;
pub mod linear;
pub mod paddle;
pub mod sendgrid;
pub mod shopify;
pub mod slack;
pub mod square;
pub mod standard;
pub mod stripe;
pub mod twilio;
pub mod vercel;
pub mod zoom;

pub use custom::{Content, CustomScheme, Encoding, Format};

/// The schemes hookline can sign and verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Standard Webhooks: `v1` (HMAC-SHA256) and `v1a` (ed25519); Svix sends it as `svix-*`.
    StandardWebhooks,
    /// `Stripe-Signature: t=...,v1=<hex>`.
    Stripe,
    /// `X-Hub-Signature-256: sha256=<hex>`.
    GitHub,
    /// `X-Slack-Signature: v0=<hex>` with `X-Slack-Request-Timestamp`.
    Slack,
    /// `X-Shopify-Hmac-Sha256: <base64>`.
    Shopify,
    /// `X-Signature-Ed25519: <hex>` with `X-Signature-Timestamp` (ed25519).
    Discord,
    /// `Linear-Signature: <hex>`, timestamp inside the JSON body.
    Linear,
    /// A header layout configured by the caller ([`CustomScheme`]).
    Custom,
    /// `X-Twilio-Signature: <base64>`, HMAC-SHA1 over the URL and the sorted form parameters.
    Twilio,
    /// `Paddle-Signature: ts=...;h1=<hex>`, HMAC-SHA256 over `{ts}:{body}`.
    Paddle,
    /// `X-Square-HmacSha256-Signature: <base64>`, HMAC-SHA256 over the URL and the body.
    Square,
    /// `X-Zm-Signature: v0=<hex>` with `X-Zm-Request-Timestamp`.
    Zoom,
    /// `X-HubSpot-Signature-v3: <base64>`, HMAC-SHA256 over method, URL, body and timestamp (ms).
    HubSpot,
    /// `X-Vercel-Signature: <hex>`, HMAC-SHA1 of the body.
    Vercel,
    /// `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the body.
    Intercom,
    /// `X-Gitlab-Token: <secret>`, the secret itself (compared in constant time).
    GitLab,
    /// `X-Twilio-Email-Event-Webhook-Signature: <base64 DER>`, ECDSA P-256 over timestamp + body.
    SendGrid,
}

/// Every header a built-in scheme reads, detection included: what a caller holding a `Headers`
/// (which cannot be listed cheaply) is asked for. A custom layout adds its own
/// ([`CustomScheme::header_names`]).
pub const HEADER_NAMES: [&str; 35] = [
    standard::HEADER_ID,
    standard::HEADER_TIMESTAMP,
    standard::HEADER_SIGNATURE,
    standard::SVIX_HEADER_ID,
    standard::SVIX_HEADER_TIMESTAMP,
    standard::SVIX_HEADER_SIGNATURE,
    stripe::HEADER_SIGNATURE,
    github::HEADER_SIGNATURE,
    github::HEADER_SIGNATURE_SHA1,
    github::HEADER_EVENT,
    github::HEADER_DELIVERY,
    slack::HEADER_SIGNATURE,
    slack::HEADER_TIMESTAMP,
    shopify::HEADER_SIGNATURE,
    shopify::HEADER_WEBHOOK_ID,
    shopify::HEADER_TOPIC,
    discord::HEADER_SIGNATURE,
    discord::HEADER_TIMESTAMP,
    linear::HEADER_SIGNATURE,
    linear::HEADER_DELIVERY,
    linear::HEADER_EVENT,
    twilio::HEADER_SIGNATURE,
    paddle::HEADER_SIGNATURE,
    square::HEADER_SIGNATURE,
    zoom::HEADER_SIGNATURE,
    zoom::HEADER_TIMESTAMP,
    hubspot::HEADER_SIGNATURE,
    hubspot::HEADER_TIMESTAMP,
    vercel::HEADER_SIGNATURE,
    gitlab::HEADER_TOKEN,
    gitlab::HEADER_EVENT,
    gitlab::HEADER_EVENT_UUID,
    gitlab::HEADER_WEBHOOK_UUID,
    sendgrid::HEADER_SIGNATURE,
    sendgrid::HEADER_TIMESTAMP,
];

/// Every built-in scheme with the header that identifies it, in detection order. Not here, so
/// verified only when named: Intercom (its `X-Hub-Signature` is also GitHub's legacy header);
/// GitLab (a token, not a signature: naming it is the operator's choice); Twilio and Vercel,
/// whose HMAC-SHA1 tags another SHA-1 scheme's request could carry over its own signed content
/// (Twilio's URL and parameters re-sent as a Vercel or Intercom body, neither timestamped), and
/// which like SendGrid live in the receiver's providers build, which a detecting receiver does
/// not load.
pub const DETECTABLE: [(Scheme, &[&str]); 11] = [
    (
        Scheme::StandardWebhooks,
        &[standard::HEADER_SIGNATURE, standard::SVIX_HEADER_SIGNATURE],
    ),
    (Scheme::Stripe, &[stripe::HEADER_SIGNATURE]),
    (
        Scheme::GitHub,
        &[github::HEADER_SIGNATURE, github::HEADER_SIGNATURE_SHA1],
    ),
    (Scheme::Slack, &[slack::HEADER_SIGNATURE]),
    (Scheme::Shopify, &[shopify::HEADER_SIGNATURE]),
    (Scheme::Discord, &[discord::HEADER_SIGNATURE]),
    (Scheme::Linear, &[linear::HEADER_SIGNATURE]),
    (Scheme::Paddle, &[paddle::HEADER_SIGNATURE]),
    (Scheme::Square, &[square::HEADER_SIGNATURE]),
    (Scheme::Zoom, &[zoom::HEADER_SIGNATURE]),
    (Scheme::HubSpot, &[hubspot::HEADER_SIGNATURE]),
];

/// Headers that travel beside each scheme's signature. When no signature header is present, these
/// still say whose request it is, so the error names the missing signature header instead of
/// "unknown scheme".
const COMPANIONS: [(Scheme, &[&str]); 8] = [
    (
        Scheme::StandardWebhooks,
        &[
            standard::HEADER_ID,
            standard::HEADER_TIMESTAMP,
            standard::SVIX_HEADER_ID,
            standard::SVIX_HEADER_TIMESTAMP,
        ],
    ),
    (
        Scheme::GitHub,
        &[github::HEADER_EVENT, github::HEADER_DELIVERY],
    ),
    (Scheme::Slack, &[slack::HEADER_TIMESTAMP]),
    (
        Scheme::Shopify,
        &[shopify::HEADER_TOPIC, shopify::HEADER_WEBHOOK_ID],
    ),
    (Scheme::Discord, &[discord::HEADER_TIMESTAMP]),
    (
        Scheme::Linear,
        &[linear::HEADER_DELIVERY, linear::HEADER_EVENT],
    ),
    (Scheme::Zoom, &[zoom::HEADER_TIMESTAMP]),
    (Scheme::HubSpot, &[hubspot::HEADER_TIMESTAMP]),
];

impl Scheme {
    /// The stable name used in options and results (`"standard-webhooks"`, `"stripe"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::StandardWebhooks => "standard-webhooks",
            Scheme::Stripe => "stripe",
            Scheme::GitHub => "github",
            Scheme::Slack => "slack",
            Scheme::Shopify => "shopify",
            Scheme::Discord => "discord",
            Scheme::Linear => "linear",
            Scheme::Custom => "custom",
            Scheme::Twilio => "twilio",
            Scheme::Paddle => "paddle",
            Scheme::Square => "square",
            Scheme::Zoom => "zoom",
            Scheme::HubSpot => "hubspot",
            Scheme::Vercel => "vercel",
            Scheme::Intercom => "intercom",
            Scheme::GitLab => "gitlab",
            Scheme::SendGrid => "sendgrid",
        }
    }

    /// Look a scheme up by its stable name (a few common spellings are accepted).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "standard-webhooks" | "standardwebhooks" | "svix" => Scheme::StandardWebhooks,
            "stripe" => Scheme::Stripe,
            "github" => Scheme::GitHub,
            "slack" => Scheme::Slack,
            "shopify" => Scheme::Shopify,
            "discord" => Scheme::Discord,
            "linear" => Scheme::Linear,
            "custom" => Scheme::Custom,
            "twilio" => Scheme::Twilio,
            "paddle" => Scheme::Paddle,
            "square" => Scheme::Square,
            "zoom" => Scheme::Zoom,
            "hubspot" => Scheme::HubSpot,
            "vercel" => Scheme::Vercel,
            "intercom" => Scheme::Intercom,
            "gitlab" => Scheme::GitLab,
            "sendgrid" => Scheme::SendGrid,
            _ => return None,
        })
    }

    /// Whether this scheme is only received: hookline verifies it but does not sign it (the
    /// providers' own schemes that a hookline sender has no reason to imitate).
    pub fn verify_only(self) -> bool {
        matches!(
            self,
            Scheme::Twilio
                | Scheme::Paddle
                | Scheme::Square
                | Scheme::Zoom
                | Scheme::HubSpot
                | Scheme::Vercel
                | Scheme::Intercom
                | Scheme::GitLab
                | Scheme::SendGrid
        )
    }

    /// Whether this scheme is verified by the receiver's providers build only (SHA-1, form
    /// parsing, ECDSA P-256: feature `providers`); other builds answer
    /// [`Error::SchemeUnavailable`] when it is named, and never detect it.
    pub fn in_providers_build(self) -> bool {
        matches!(
            self,
            Scheme::Twilio | Scheme::Vercel | Scheme::Intercom | Scheme::SendGrid
        )
    }

    /// Whether this scheme signs the URL the provider called (the receiver must be told it).
    pub fn needs_url(self) -> bool {
        matches!(self, Scheme::Twilio | Scheme::Square | Scheme::HubSpot)
    }

    /// Whether this scheme verifies with ed25519 public keys rather than shared secrets.
    pub fn uses_public_keys(self) -> bool {
        matches!(self, Scheme::Discord | Scheme::SendGrid)
    }

    /// The default tolerance, in seconds, of the providers' own libraries.
    pub fn default_tolerance(self) -> u64 {
        match self {
            // Linear's documentation asks for one minute.
            Scheme::Linear => 60,
            // Paddle's SDKs allow five seconds (their `MAX_VALID_TIME_DIFFERENCE`).
            Scheme::Paddle => 5,
            _ => 300,
        }
    }
}

/// The scheme whose signature header the request carries. With `custom`, its header counts too.
/// Exactly one must be present: none is [`Error::UnknownScheme`], two [`Error::AmbiguousScheme`].
pub fn detect(
    headers: &(impl HeaderSource + ?Sized),
    custom: Option<&CustomScheme>,
) -> Result<Scheme, Error> {
    fn note(found: &mut Option<Scheme>, scheme: Scheme) -> Result<(), Error> {
        match *found {
            Some(first) if first != scheme => Err(Error::AmbiguousScheme {
                first: first.name(),
                second: scheme.name(),
            }),
            _ => {
                *found = Some(scheme);
                Ok(())
            }
        }
    }
    let mut found: Option<Scheme> = None;
    if let Some(c) = custom {
        if headers.header(c.header()).is_some() {
            note(&mut found, Scheme::Custom)?;
        }
    }
    for (scheme, names) in DETECTABLE {
        // A custom scheme may reuse a built-in's header name; the configured one wins.
        if found == Some(Scheme::Custom) && custom.is_some_and(|c| names.contains(&c.header())) {
            continue;
        }
        if names.iter().any(|n| headers.header(n).is_some()) {
            note(&mut found, scheme)?;
        }
    }
    if found.is_none() {
        let mut companions = COMPANIONS
            .iter()
            .filter(|(_, names)| names.iter().any(|n| headers.header(n).is_some()))
            .map(|(s, _)| *s);
        if let (Some(only), None) = (companions.next(), companions.next()) {
            return Ok(only);
        }
    }
    found.ok_or(Error::UnknownScheme)
}

/// For a missing header under a configured scheme: the scheme the headers do belong to, if any.
pub(crate) fn other_scheme(
    headers: &(impl HeaderSource + ?Sized),
    expected: Scheme,
) -> Option<&'static str> {
    DETECTABLE
        .iter()
        .filter(|(s, _)| *s != expected)
        .find(|(_, names)| names.iter().any(|n| headers.header(n).is_some()))
        .map(|(s, _)| s.name())
}

/// A required header, absent or empty being the same thing.
pub(crate) fn required<'a>(
    headers: &'a (impl HeaderSource + ?Sized),
    name: &str,
) -> Result<Cow<'a, str>, Error> {
    match headers.header(name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::MissingHeader {
            header: name.to_owned().into(),
            found: None,
        }),
    }
}

/// An optional header, for ids and event types carried beside the signature.
pub(crate) fn optional(headers: &(impl HeaderSource + ?Sized), name: &str) -> Option<String> {
    headers
        .header(name)
        .filter(|v| !v.is_empty())
        .map(Cow::into_owned)
}

/// A timestamp header as sent (trimmed), parsed as unix seconds and checked against
/// `now ± tolerance`; the text is returned because some schemes sign it verbatim.
pub(crate) fn timestamp_in_window(
    headers: &(impl HeaderSource + ?Sized),
    name: &str,
    now: i64,
    tolerance: u64,
) -> Result<(String, i64), Error> {
    let text = required(headers, name)?.trim().to_owned();
    let timestamp = parse_timestamp(&text, name)?;
    keys::check_tolerance(timestamp, now, tolerance)?;
    Ok((text, timestamp))
}

/// Longest signature header read; past it the header is rejected, not scanned.
pub const MAX_SIGNATURE_HEADER_LEN: usize = 16 * 1024;
/// Most signatures read from one header (rotation needs two or three).
pub const MAX_SIGNATURES: usize = 64;
/// The most `v1a` (ed25519) signatures one request may carry: what a rotation needs (the old
/// key's and the new one's). Each signature costs one check per ed25519 key of the receiver, tens
/// of microseconds each: 64 signatures against one key cost about 29 times a valid request, which
/// a hostile sender could ask for on every request; two cost what a rotating sender's do.
pub const MAX_ED25519_SIGNATURES: usize = 2;

pub(crate) fn check_length(value: &str, header: &str) -> Result<(), Error> {
    if value.len() > MAX_SIGNATURE_HEADER_LEN {
        return Err(Error::InvalidHeader {
            header: header.to_owned().into(),
            reason: "header_too_long",
        });
    }
    Ok(())
}

/// Parse a unix timestamp in seconds: ASCII digits only, no sign, no fraction, no spaces.
pub fn parse_timestamp(value: &str, header: &str) -> Result<i64, Error> {
    let bad = || Error::InvalidHeader {
        header: header.to_owned().into(),
        reason: "not_unix_seconds",
    };
    if value.is_empty() || value.len() > 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    value.parse::<i64>().map_err(|_| bad())
}

/// The length of an HMAC-SHA256 tag.
pub const HMAC_SHA256_LEN: usize = 32;
/// The length of an HMAC-SHA1 tag (Twilio, Vercel, Intercom still sign with SHA-1).
pub const HMAC_SHA1_LEN: usize = 20;

/// An HMAC-SHA256 key with its inner and outer pads already absorbed, so each message costs only
/// the compressions of the message itself. `Debug` never shows key material.
#[derive(Clone)]
pub struct HmacKey {
    keyed: Hmac<Sha256>,
    /// The key itself, for a [`MacHost`]; wiped when the last clone is dropped.
    raw: Arc<Zeroizing<Vec<u8>>>,
    host: Option<&'static dyn MacHost>,
}

/// An HMAC-SHA256 outside this crate that is faster for large messages (Node's OpenSSL runs
/// several times the speed of SHA-256 compiled to wasm). A key given one asks it for each tag; a
/// receiver still compares the tag itself, in constant time. The host may decline (`None`), and
/// then the tag is computed here.
pub trait MacHost: Sync {
    /// The HMAC-SHA256 of the concatenation of `parts` under `key`, or `None` to decline.
    fn tag(&self, key: &[u8], parts: &[&[u8]]) -> Option<[u8; HMAC_SHA256_LEN]>;
}

/// Below this many signed bytes an HMAC computed here is faster than a call out to a host's.
pub const HOST_MAC_MIN_BYTES: usize = 2048;

/// What a [`MacHost`] is handed for `parts`, the signed prefix joined and the body, when there
/// are enough bytes for the host to be worth the call; `None` leaves the tag to this crate.
pub fn host_mac_input<'a>(parts: &[&'a [u8]]) -> Option<(Vec<u8>, &'a [u8])> {
    let (body, head) = parts.split_last()?;
    let signed = head
        .iter()
        .map(|p| p.len())
        .fold(body.len(), usize::saturating_add);
    (signed >= HOST_MAC_MIN_BYTES).then(|| (head.concat(), *body))
}

impl core::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HmacKey(<redacted>)")
    }
}

/// A computed tag whose equality check runs in constant time (the MAC crate's `CtOutput`).
pub type Tag = CtOutput<Hmac<Sha256>>;

impl HmacKey {
    pub fn from_bytes(key: &[u8]) -> Result<Self, Error> {
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .map_err(|_| Error::InvalidSecret { reason: "hmac_key" })?;
        Ok(HmacKey {
            keyed,
            raw: Arc::new(Zeroizing::new(key.to_vec())),
            host: None,
        })
    }

    /// Take tags from `host` where it gives them.
    pub fn set_host(&mut self, host: &'static dyn MacHost) {
        self.host = Some(host);
    }

    /// The tag over the concatenation of `parts`, kept in its constant-time wrapper.
    pub fn tag(&self, parts: &[&[u8]]) -> Tag {
        if let Some(bytes) = self.host.and_then(|h| h.tag(&self.raw, parts)) {
            return Tag::new(bytes.into());
        }
        let mut mac = self.keyed.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize()
    }

    /// The first 8 bytes of the key's tag over a fixed label: how a receiver's dedupe keys name
    /// the key that verified a delivery (a check value: it shows nothing usable of the key).
    pub fn key_id(&self) -> [u8; 8] {
        let tag = self.tag_bytes(&[b"hookline dedupe key id"]);
        let mut out = [0u8; 8];
        out.copy_from_slice(tag.get(..8).unwrap_or(&[0; 8]));
        out
    }

    #[cfg(feature = "providers")]
    /// Whether the HMAC-SHA1 of the concatenation of `parts` under this key is `candidate`: the
    /// MAC crate's `verify_slice`, which compares in constant time. SHA-1 is only received (the
    /// providers that still sign with it), never signed, so no keyed state is kept for it.
    pub fn sha1_matches(&self, parts: &[&[u8]], candidate: &[u8; HMAC_SHA1_LEN]) -> bool {
        let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(&self.raw) else {
            return false;
        };
        for part in parts {
            mac.update(part);
        }
        mac.verify_slice(candidate).is_ok()
    }

    /// Whether `token` is the key itself (GitLab's `X-Gitlab-Token`), in constant time: the two
    /// are compared as their tags under the key, so neither their bytes nor their lengths are
    /// compared directly.
    pub fn is_key(&self, token: &[u8]) -> bool {
        let raw: &[u8] = &self.raw;
        let expected = self.tag(&[raw]);
        tag_matches(&expected, &self.tag_bytes(&[token]))
    }

    /// The raw tag bytes, for encoding into a header when signing.
    pub fn tag_bytes(&self, parts: &[&[u8]]) -> [u8; HMAC_SHA256_LEN] {
        self.tag(parts).into_bytes().into()
    }
}

/// Compare a computed tag with candidate bytes from a header, in constant time.
pub fn tag_matches(expected: &Tag, candidate: &[u8; HMAC_SHA256_LEN]) -> bool {
    let candidate = Tag::new((*candidate).into());
    // NOTE: `CtOutput`'s `PartialEq` is `subtle::ConstantTimeEq`, not a byte-wise early exit.
    &candidate == expected
}

/// Hex (either case) of exactly `N` bytes, or nothing.
pub(crate) fn decode_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// Standard base64 (padding optional) of exactly `N` bytes, or nothing. Text too long to be `N`
/// bytes is refused before decoding.
pub(crate) fn decode_base64<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() > N.div_ceil(3).saturating_mul(4) {
        return None;
    }
    let mut buf = [0u8; 96];
    let n = BASE64_LENIENT.decode_slice(text, &mut buf).ok()?;
    if n != N {
        return None;
    }
    buf.get(..N)?.try_into().ok()
}

pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_strict() {
        assert_eq!(parse_timestamp("1614265330", "t"), Ok(1614265330));
        assert_eq!(parse_timestamp("0001614265330", "t"), Ok(1614265330));
        for bad in [
            "",
            "-1",
            "+1",
            "1.5",
            "1e9",
            "abc",
            " 1",
            "9999999999999999999",
        ] {
            assert_eq!(
                parse_timestamp(bad, "t").unwrap_err().code(),
                "invalid_header",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn detection_needs_exactly_one_scheme() {
        let h = [("Stripe-Signature", "t=1,v1=00")];
        assert_eq!(detect(&h[..], None), Ok(Scheme::Stripe));
        let both = [("Stripe-Signature", "x"), ("X-Hub-Signature-256", "y")];
        assert_eq!(
            detect(&both[..], None).unwrap_err().code(),
            "ambiguous_scheme"
        );
        let partial = [("webhook-id", "msg_1"), ("webhook-timestamp", "1")];
        assert_eq!(detect(&partial[..], None), Ok(Scheme::StandardWebhooks));
        let none = [("Content-Type", "application/json")];
        assert_eq!(
            detect(&none[..], None).unwrap_err().code(),
            "unknown_scheme"
        );
        for (scheme, names) in DETECTABLE {
            for name in names {
                let h = [(*name, "x")];
                assert_eq!(detect(&h[..], None), Ok(scheme), "{name}");
            }
            assert_eq!(Scheme::from_name(scheme.name()), Some(scheme));
        }
    }

    #[test]
    fn fixed_size_decoding() {
        assert!(decode_hex::<2>("aBcD").is_some());
        assert!(decode_hex::<2>("abc").is_none());
        assert!(decode_base64::<3>("AAAA").is_some());
        assert!(decode_base64::<3>("AAAAAAAA").is_none());
        assert!(decode_base64::<32>(&"A".repeat(10_000)).is_none());
    }
}
