//! The receiver: headers and the raw body in, a verdict or a typed error out. (Its mirror, the
//! signer, is `crate::sign`; what both share is `crate::scheme::keys`.)
//!
//! Keys are prepared once when a verifier is built (HMAC pads absorbed, ed25519 points decoded), so
//! a long-lived verifier pays only for hashing the message on each call. [`Verifier`] detects the
//! scheme from the headers unless told which one to use; [`SchemeVerifier`] serves one scheme.

use crate::error::Error;
use crate::handshake;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::scheme::keys::{check_key_count, raw_secret, text_secret, Keys};
use crate::scheme::{
    self, custom::CustomScheme, discord, github, gitlab, hubspot, linear, paddle, shopify, slack,
    square, standard, stripe, zoom, HmacKey, MacHost, Scheme,
};
#[cfg(feature = "providers")]
use crate::scheme::{intercom, sendgrid, twilio, vercel};
use crate::secret::{PublicKey, Secret, SigningKey, PUBLIC_KEY_PREFIX, SIGNING_KEY_PREFIX};

pub use crate::scheme::keys::{
    check_tolerance, KeyInput, Target, Verified, MAX_KEYS, MAX_KEY_BYTES,
};

/// The default tolerance of the schemes that do not set their own (see
/// [`Scheme::default_tolerance`]).
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;
/// The largest tolerance accepted: about 30 years; beyond that it is a unit mistake (ms for s).
pub const MAX_TOLERANCE_SECS: u64 = 1_000_000_000;

/// The largest body any verifier takes, whatever `max_payload_bytes` says: 1 GiB. Providers send
/// tens of MiB at most; a receiver in wasm32 (4 GiB of memory at most) holds a body once, in
/// room for three bytes a unit while a string's UTF-8 is written, and a larger one must be
/// refused, not make the receiver run out of memory.
pub const MAX_BODY_BYTES: usize = 1 << 30;

/// Settings shared by every scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VerifyOptions {
    /// Seconds a timestamp may lie before or after `now`; `None` takes the scheme's default.
    pub tolerance_secs: Option<u64>,
    /// Refuse bodies longer than this with `payload_too_large` before hashing them; `None`
    /// (the default) accepts any size up to [`MAX_BODY_BYTES`], as providers send up to tens of
    /// MiB (GitHub: 25 MB).
    pub max_payload_bytes: Option<usize>,
}

impl VerifyOptions {
    pub fn with_tolerance(tolerance_secs: u64) -> Self {
        VerifyOptions {
            tolerance_secs: Some(tolerance_secs),
            max_payload_bytes: None,
        }
    }
}

/// Parse a key for verifying under `scheme`.
fn verify_key(scheme: Scheme, input: KeyInput<'_>) -> Result<Keys, Error> {
    let mut keys = Keys::default();
    match (scheme, input) {
        (Scheme::StandardWebhooks, KeyInput::Text(t)) if t.starts_with(PUBLIC_KEY_PREFIX) => {
            keys.ed25519.push((0, PublicKey::parse_whpk(t)?));
        }
        (Scheme::StandardWebhooks, KeyInput::Text(t)) if t.starts_with(SIGNING_KEY_PREFIX) => {
            keys.ed25519
                .push((0, SigningKey::parse_whsk(t)?.public_key()));
        }
        (Scheme::StandardWebhooks, KeyInput::Text(t)) => {
            keys.hmac
                .push((0, HmacKey::from_bytes(Secret::parse(t)?.expose_bytes())?));
        }
        (Scheme::Discord, KeyInput::Text(t)) => keys.ed25519.push((0, PublicKey::parse_hex(t)?)),
        (Scheme::Discord, KeyInput::Bytes(b)) => keys.ed25519.push((0, PublicKey::from_bytes(b)?)),
        #[cfg(feature = "providers")]
        (Scheme::SendGrid, input) => keys.p256.push((0, sendgrid::public_key(input)?)),
        (_, KeyInput::Text(t)) => keys.hmac.push((0, text_secret(t)?)),
        (_, KeyInput::Bytes(b)) => keys.hmac.push((0, raw_secret(b)?)),
    }
    Ok(keys)
}

fn check_options(options: VerifyOptions) -> Result<(), Error> {
    if options
        .tolerance_secs
        .is_some_and(|t| t > MAX_TOLERANCE_SECS)
    {
        return Err(Error::InvalidArgument {
            reason: "tolerance_too_large",
        });
    }
    Ok(())
}

/// A receiver for one scheme, holding one or more keys.
#[derive(Debug, Clone)]
pub struct SchemeVerifier {
    scheme: Scheme,
    custom: Option<CustomScheme>,
    keys: Keys,
    tolerance: u64,
    max_payload_bytes: Option<usize>,
}

impl SchemeVerifier {
    /// Build a verifier for a built-in scheme; every key must be usable under it.
    pub fn new(
        scheme: Scheme,
        keys: &[KeyInput<'_>],
        options: VerifyOptions,
    ) -> Result<Self, Error> {
        if scheme == Scheme::Custom {
            return Err(Error::InvalidArgument {
                reason: "custom_needs_config",
            });
        }
        Self::build(scheme, None, keys, options, false)
    }

    /// Build a verifier for a custom header layout.
    pub fn custom(
        custom: CustomScheme,
        keys: &[KeyInput<'_>],
        options: VerifyOptions,
    ) -> Result<Self, Error> {
        Self::build(Scheme::Custom, Some(custom), keys, options, false)
    }

    /// With `lenient`, keys that do not fit the scheme are skipped (auto-detection tries every
    /// scheme with every key); the first such error is returned if none fits.
    fn build(
        scheme: Scheme,
        custom: Option<CustomScheme>,
        inputs: &[KeyInput<'_>],
        options: VerifyOptions,
        lenient: bool,
    ) -> Result<Self, Error> {
        check_key_count(inputs.len())?;
        check_options(options)?;
        // Named to a build without it: the loader hands the call to the providers build.
        if cfg!(not(feature = "providers")) && scheme.in_providers_build() {
            return Err(Error::SchemeUnavailable);
        }
        let mut keys = Keys::default();
        let mut first_error = None;
        for (index, input) in inputs.iter().enumerate() {
            match verify_key(scheme, *input) {
                Ok(k) => {
                    keys.hmac
                        .extend(k.hmac.into_iter().map(|(_, key)| (index, key)));
                    keys.ed25519
                        .extend(k.ed25519.into_iter().map(|(_, key)| (index, key)));
                    #[cfg(feature = "providers")]
                    keys.p256
                        .extend(k.p256.into_iter().map(|(_, key)| (index, key)));
                }
                // A build without ed25519 cannot tell whether the key would have been one: it
                // says so, whatever the other keys are, so the loader hands the call over.
                Err(e) if lenient && e != Error::Ed25519Unavailable => {
                    first_error.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        if keys.is_empty() {
            return Err(first_error.unwrap_or(Error::InvalidSecret {
                reason: "no_usable_key",
            }));
        }
        Ok(SchemeVerifier {
            scheme,
            custom,
            keys,
            tolerance: options
                .tolerance_secs
                .unwrap_or_else(|| scheme.default_tolerance()),
            max_payload_bytes: options.max_payload_bytes,
        })
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Take HMAC tags from `host` where it gives them (see [`MacHost`]); the verdicts are the same.
    pub fn set_mac_host(&mut self, host: &'static dyn MacHost) {
        for (_, key) in &mut self.keys.hmac {
            key.set_host(host);
        }
    }

    pub fn tolerance_secs(&self) -> u64 {
        self.tolerance
    }

    /// The HMAC key at the caller's `index`, if the key there is one.
    fn hmac_key(&self, index: usize) -> Option<&HmacKey> {
        self.keys
            .hmac
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, key)| key)
    }

    /// The id of the key at the caller's `index` (see [`HmacKey::key_id`]).
    pub fn key_id(&self, index: usize) -> Option<[u8; 8]> {
        if let Some(key) = self.hmac_key(index) {
            return Some(key.key_id());
        }
        let ed = self.keys.ed25519.iter().find(|(i, _)| *i == index);
        ed.map(|(_, key)| key.key_id())
    }

    /// One id for all this verifier's keys, whatever their order (the first 8 bytes of the
    /// SHA-256 of their ids, sorted), as dedupe names them: a delivery signed by several of them
    /// (a rotation) is one delivery whichever signature verified it.
    pub fn keys_id(&self) -> [u8; 8] {
        use sha2::{Digest, Sha256};
        let mut ids: Vec<[u8; 8]> = self.keys.hmac.iter().map(|(_, k)| k.key_id()).collect();
        ids.extend(self.keys.ed25519.iter().map(|(_, k)| k.key_id()));
        // An insertion sort: at most 64 keys, and a few instructions where the library's sort
        // would add 18 KB to the receiver's wasm.
        for i in 1..ids.len() {
            let mut j = i;
            while let Some(before) = j.checked_sub(1).filter(|&b| ids.get(b) > ids.get(j)) {
                ids.swap(before, j);
                j = before;
            }
        }
        let digest = Sha256::digest(ids.concat());
        let mut out = [0u8; 8];
        out.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
        out
    }

    /// The largest body this verifier accepts, if it was given one.
    pub fn max_payload_bytes(&self) -> Option<usize> {
        self.max_payload_bytes
    }

    /// The largest body this verifier takes: the one it was given, at most [`MAX_BODY_BYTES`].
    pub fn body_limit(&self) -> usize {
        body_limit(self.max_payload_bytes)
    }

    /// Check a delivery. `payload` is the raw body exactly as received; `now` is unix seconds.
    pub fn verify(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        now: i64,
    ) -> Result<Verified, Error> {
        self.verify_at(headers, payload, now, Target::default())
    }

    /// [`Self::verify`] for the schemes that sign the request's URL or method: `target` says
    /// what they were.
    pub fn verify_at(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        now: i64,
        target: Target<'_>,
    ) -> Result<Verified, Error> {
        let limit = self.body_limit();
        if payload.len() > limit {
            return Err(Error::PayloadTooLarge {
                size: payload.len(),
                limit,
            });
        }
        let (keys, tol) = (&self.keys, self.tolerance);
        // In the receiver builds (no `sender`) each scheme's `verify` is `#[inline(never)]` and
        // wasm-opt keeps it apart (scripts/build.mjs): V8 compiles wasm functions when first
        // called, so a first verify compiles its own scheme only (about 1 ms of a cold start).
        let result = match self.scheme {
            Scheme::StandardWebhooks => standard::verify(keys, headers, payload, now, tol),
            Scheme::Stripe => stripe::verify(keys, headers, payload, now, tol),
            Scheme::GitHub => github::verify(keys, headers, payload),
            Scheme::Slack => slack::verify(keys, headers, payload, now, tol),
            Scheme::Shopify => shopify::verify(keys, headers, payload),
            Scheme::Discord => discord::verify(keys, headers, payload, now, tol),
            Scheme::Linear => linear::verify(keys, headers, payload, now, tol),
            Scheme::Paddle => paddle::verify(keys, headers, payload, now, tol),
            Scheme::Square => square::verify(keys, headers, payload, target),
            Scheme::Zoom => zoom::verify(keys, headers, payload, now, tol),
            Scheme::HubSpot => hubspot::verify(keys, headers, payload, target, now, tol),
            Scheme::GitLab => gitlab::verify(keys, headers),
            #[cfg(feature = "providers")]
            Scheme::Twilio => twilio::verify(keys, headers, payload, target),
            #[cfg(feature = "providers")]
            Scheme::Vercel => vercel::verify(keys, headers, payload),
            #[cfg(feature = "providers")]
            Scheme::Intercom => intercom::verify(keys, headers, payload),
            #[cfg(feature = "providers")]
            Scheme::SendGrid => sendgrid::verify(keys, headers, payload, now, tol),
            // Never built without the feature (see `build`).
            #[cfg(not(feature = "providers"))]
            Scheme::Twilio | Scheme::Vercel | Scheme::Intercom | Scheme::SendGrid => {
                Err(Error::SchemeUnavailable)
            }
            Scheme::Custom => match &self.custom {
                Some(c) => c.verify(keys, headers, payload, now, tol),
                None => Err(Error::InvalidArgument {
                    reason: "custom_needs_config",
                }),
            },
        };
        result.map_err(|e| match e {
            Error::MissingHeader {
                header,
                found: None,
            } => Error::MissingHeader {
                header,
                found: scheme::other_scheme(headers, self.scheme),
            },
            other => other,
        })
    }
}

/// The one receiver: given keys (and a custom layout, if any), it verifies a request under the
/// scheme named, or detects the scheme from the headers.
#[derive(Debug, Clone)]
pub struct Verifier {
    fixed: Option<Scheme>,
    custom: Option<CustomScheme>,
    verifiers: Vec<SchemeVerifier>,
    unusable: Vec<(Scheme, Error)>,
}

impl Verifier {
    /// `scheme: None` detects the scheme per request from the signature headers present.
    pub fn new(
        scheme: Option<Scheme>,
        custom: Option<CustomScheme>,
        keys: &[KeyInput<'_>],
        options: VerifyOptions,
    ) -> Result<Self, Error> {
        check_key_count(keys.len())?;
        check_options(options)?;
        if let Some(s) = scheme {
            let v = match (s, custom.clone()) {
                (Scheme::Custom, Some(c)) => SchemeVerifier::custom(c, keys, options)?,
                (s, _) => SchemeVerifier::new(s, keys, options)?,
            };
            return Ok(Verifier {
                fixed: Some(s),
                custom,
                verifiers: vec![v],
                unusable: Vec::new(),
            });
        }
        let mut verifiers = Vec::new();
        let mut unusable = Vec::new();
        let mut candidates: Vec<Scheme> = scheme::DETECTABLE.iter().map(|(s, _)| *s).collect();
        if custom.is_some() {
            candidates.push(Scheme::Custom);
        }
        for s in candidates {
            let c = if s == Scheme::Custom {
                custom.clone()
            } else {
                None
            };
            match SchemeVerifier::build(s, c, keys, options, true) {
                Ok(v) => verifiers.push(v),
                Err(e) => unusable.push((s, e)),
            }
        }
        // A build without ed25519 cannot say which schemes the keys fit: it says so as a whole.
        if let Some((_, e)) = unusable
            .iter()
            .find(|(_, e)| *e == Error::Ed25519Unavailable)
        {
            return Err(e.clone());
        }
        if verifiers.is_empty() {
            // Every scheme refused every key: the first refusal says why (whitespace, encoding).
            return Err(unusable.swap_remove(0).1);
        }
        Ok(Verifier {
            fixed: None,
            custom,
            verifiers,
            unusable,
        })
    }

    /// Take HMAC tags from `host` where it gives them (see [`MacHost`]); the verdicts are the same.
    pub fn set_mac_host(&mut self, host: &'static dyn MacHost) {
        for v in &mut self.verifiers {
            v.set_mac_host(host);
        }
    }

    /// The largest body this verifier accepts, if it was given one (`maxPayloadBytes`).
    pub fn max_payload_bytes(&self) -> Option<usize> {
        self.verifiers.first().and_then(|v| v.max_payload_bytes)
    }

    /// The largest body this verifier takes: the one it was given, at most [`MAX_BODY_BYTES`].
    pub fn body_limit(&self) -> usize {
        body_limit(self.max_payload_bytes())
    }

    /// The tolerance applied to `scheme`'s timestamps, if this verifier can verify that scheme.
    pub fn tolerance_secs(&self, scheme: Scheme) -> Option<u64> {
        self.for_scheme(scheme).map(SchemeVerifier::tolerance_secs)
    }

    /// The verifier of `scheme` among those this one runs.
    fn for_scheme(&self, scheme: Scheme) -> Option<&SchemeVerifier> {
        self.verifiers.iter().find(|v| v.scheme == scheme)
    }

    /// The largest tolerance this verifier applies to any scheme it can verify.
    pub fn max_tolerance_secs(&self) -> u64 {
        self.verifiers
            .iter()
            .map(SchemeVerifier::tolerance_secs)
            .max()
            .unwrap_or(DEFAULT_TOLERANCE_SECS)
    }

    /// The id dedupe names the keys that can verify `verified` by: all of its scheme's keys
    /// here (see [`SchemeVerifier::keys_id`]), not only the one that did.
    pub fn key_id(&self, verified: &Verified) -> Option<[u8; 8]> {
        Some(self.for_scheme(verified.scheme)?.keys_id())
    }

    /// Every header name a verification may read (see [`scheme::HEADER_NAMES`]).
    pub fn header_names(&self) -> Vec<&str> {
        scheme::HEADER_NAMES
            .iter()
            .copied()
            .chain(self.custom.iter().flat_map(CustomScheme::header_names))
            .collect()
    }

    /// What to answer a provider's endpoint verification (see [`handshake`]) that this verifier
    /// has verified as `verified`, or `None` when the request is no handshake. `parsed`: the
    /// caller had the body parsed as JSON. Zoom's answer is signed with the key that verified it.
    pub fn handshake(&self, verified: &Verified, body: &[u8], parsed: bool) -> Option<String> {
        let zoom_key = match verified.scheme {
            Scheme::Zoom => self
                .for_scheme(Scheme::Zoom)
                .and_then(|v| v.hmac_key(verified.key_index)),
            _ => None,
        };
        handshake::answer(verified.scheme, body, parsed, zoom_key)
    }

    /// The scheme this verifier is fixed to, if it does not detect.
    pub fn fixed_scheme(&self) -> Option<Scheme> {
        self.fixed
    }

    pub fn verify(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        now: i64,
    ) -> Result<Verified, Error> {
        self.verify_at(headers, payload, now, Target::default())
    }

    /// [`Self::verify`] with the request's URL and method, for the schemes that sign them.
    pub fn verify_at(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        now: i64,
        target: Target<'_>,
    ) -> Result<Verified, Error> {
        let scheme = match self.fixed {
            Some(s) => s,
            None => scheme::detect(headers, self.custom.as_ref())?,
        };
        // Detected, not named: a scheme with no signed timestamp must not verify a body that is a
        // timestamped scheme's signed content, or any old request of that scheme, re-framed,
        // would verify forever (the sender would have chosen the weaker scheme).
        if self.fixed.is_none()
            && !has_signed_timestamp(scheme, self.custom.as_ref())
            && (looks_timestamp_signed(payload) || is_linear_content(payload))
        {
            return Err(Error::SchemeDowngrade {
                scheme: scheme.name(),
            });
        }
        if let Some(v) = self.for_scheme(scheme) {
            return v.verify_at(headers, payload, now, target);
        }
        Err(self
            .unusable
            .iter()
            .find(|(s, _)| *s == scheme)
            .map(|(_, e)| e.clone())
            .unwrap_or(Error::InvalidSecret {
                reason: "no_key_for_scheme",
            }))
    }
}

/// Whether `scheme` signs a timestamp that the receiver checks (Linear's is in its body).
fn has_signed_timestamp(scheme: Scheme, custom: Option<&CustomScheme>) -> bool {
    match scheme {
        Scheme::GitHub
        | Scheme::Shopify
        | Scheme::Twilio
        | Scheme::Square
        | Scheme::Vercel
        | Scheme::Intercom
        | Scheme::GitLab => false,
        Scheme::Custom => custom.is_some_and(|c| {
            c.timestamp_header().is_some() || c.format() == crate::scheme::Format::Stripe
        }),
        _ => true,
    }
}

/// Whether a body begins as a timestamped scheme's signed content does: Slack's `v0:{ts}:`,
/// Stripe's (and timestamped custom layouts') `{ts}.`, Paddle's `{ts}:`, Standard Webhooks'
/// `{id}.{ts}.`, with a timestamp of 9 or more digits (Zoom's `v0:{ts}:` is Slack's), and
/// HubSpot's `{METHOD}https://...`. A webhook body proper (JSON, a form) never does.
///
/// The spec puts no rule on an id's characters or length: any printable ASCII, dots too, is taken
/// for one (in its first [`MAX_ID_SCAN`] bytes) but the characters a JSON or form body begins
/// with before any dot (`{`, `[`, `"`, `%`, `&`, ...).
fn looks_timestamp_signed(body: &[u8]) -> bool {
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    if let Some(rest) = body.strip_prefix(b"v0:") {
        let n = digits(rest);
        return n >= 9 && rest.get(n) == Some(&b':');
    }
    let n = digits(body);
    // Stripe's `{ts}.` and Paddle's `{ts}:`.
    if n >= 9 && matches!(body.get(n), Some(b'.' | b':')) {
        return true;
    }
    // HubSpot's `{METHOD}{url}...`: an upper-case method directly followed by `http(s)://`.
    let method = body
        .iter()
        .take(16)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    let rest = body.get(method..).unwrap_or_default();
    if method >= 3 && (rest.starts_with(b"https://") || rest.starts_with(b"http://")) {
        return true;
    }
    let id_char = |c: &u8| c.is_ascii_graphic() && !b"{}[]\",\\%&".contains(c);
    let scanned = body
        .iter()
        .take(MAX_ID_SCAN)
        .take_while(|c| id_char(c))
        .count();
    let prefix = body.get(..scanned).unwrap_or_default();
    // Each dot after a non-empty id may be the one before the timestamp (an id may hold dots);
    // a timestamp's digits are counted no further than 32, so the scan stays linear.
    prefix.iter().enumerate().skip(1).any(|(at, c)| {
        let rest = body.get(at.saturating_add(1)..).unwrap_or_default();
        let n = rest
            .iter()
            .take(32)
            .take_while(|c| c.is_ascii_digit())
            .count();
        *c == b'.' && n >= 9 && rest.get(n) == Some(&b'.')
    })
}

/// How far into a body [`looks_timestamp_signed`] looks for a Standard Webhooks id's end.
const MAX_ID_SCAN: usize = 1024;

/// Whether a body is Linear's signed content: Linear signs the body alone, as GitHub and Shopify
/// do, and keeps its timestamp inside it (a top-level `webhookTimestamp`), so a Linear request
/// re-sent under their headers would verify forever. No GitHub or Shopify body has that member;
/// the body is read as JSON only when it holds the name at all.
fn is_linear_content(body: &[u8]) -> bool {
    const NAME: &[u8] = b"webhookTimestamp";
    body.windows(NAME.len()).any(|w| w == NAME)
        && matches!(
            crate::json::top_level_integer(body, "webhookTimestamp"),
            Ok(crate::json::Member::Integer(_)) | Err(crate::json::JsonError::Repeated)
        )
}

/// A body limit given (or none) as the one applied: at most [`MAX_BODY_BYTES`].
fn body_limit(given: Option<usize>) -> usize {
    given.map_or(MAX_BODY_BYTES, |limit| limit.min(MAX_BODY_BYTES))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::Signer;

    /// A caller holding a `Headers` is asked for `header_names()` only: every name any scheme
    /// reads, detection included, must be in it.
    #[test]
    fn header_names_cover_every_header_a_verification_reads() {
        struct Recording<'a>(&'a [(String, String)], std::cell::RefCell<Vec<String>>);
        impl HeaderSource for Recording<'_> {
            fn header(&self, name: &str) -> Option<Cow<'_, str>> {
                self.1.borrow_mut().push(name.to_owned());
                self.0.header(name)
            }
        }
        let custom = CustomScheme::new("x-sig")
            .and_then(|c| c.with_timestamp_header("x-ts"))
            .and_then(|c| c.with_id_header("x-id"))
            .and_then(|c| c.with_event_header("x-ev"))
            .unwrap();
        let keys = [KeyInput::Text("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")];
        // Linear's body carries its timestamp; any other scheme's must not look like Linear's.
        let linear_body = br#"{"webhookTimestamp":1700000000000}"#;
        let mut asked_in_all = 0;
        for scheme in [
            Scheme::StandardWebhooks,
            Scheme::Stripe,
            Scheme::GitHub,
            Scheme::Slack,
            Scheme::Shopify,
            Scheme::Linear,
            Scheme::Custom,
        ] {
            let signer = match scheme {
                Scheme::Custom => Signer::custom(custom.clone(), &keys),
                s => Signer::new(s, &keys),
            }
            .unwrap();
            let body = if scheme == Scheme::Linear {
                &linear_body[..]
            } else {
                br#"{"n":1}"#
            };
            let headers = signer.sign("msg_1", 1_700_000_000, body).unwrap();
            for fixed in [None, Some(scheme)] {
                let v = Verifier::new(fixed, Some(custom.clone()), &keys, VerifyOptions::default())
                    .unwrap();
                let recording = Recording(&headers, Default::default());
                v.verify(&recording, body, 1_700_000_000).unwrap();
                let names = v.header_names();
                for asked in recording.1.borrow().iter() {
                    assert!(names.contains(&asked.as_str()), "{scheme:?} read {asked}");
                    asked_in_all += 1;
                }
            }
        }
        assert!(asked_in_all > 20);
    }

    #[test]
    fn tolerance_edges_are_inclusive() {
        assert!(check_tolerance(1000, 1300, 300).is_ok());
        assert!(check_tolerance(1300, 1000, 300).is_ok());
        assert_eq!(
            check_tolerance(999, 1300, 300),
            Err(Error::TimestampTooOld {
                age: 301,
                tolerance: 300
            })
        );
        assert_eq!(
            check_tolerance(1301, 1000, 300),
            Err(Error::TimestampTooNew {
                ahead: 301,
                tolerance: 300
            })
        );
        assert!(check_tolerance(i64::MAX, i64::MIN, u64::MAX).is_ok());
        assert!(check_tolerance(i64::MIN, i64::MAX, 0).is_err());
    }

    #[test]
    fn payload_limit_is_checked_first() {
        let options = VerifyOptions {
            tolerance_secs: None,
            max_payload_bytes: Some(4),
        };
        let v = SchemeVerifier::new(Scheme::GitHub, &[KeyInput::Text("s")], options).unwrap();
        let err = v.verify(&[("x", "y")][..], b"12345", 0).unwrap_err();
        assert_eq!(err, Error::PayloadTooLarge { size: 5, limit: 4 });
        assert_eq!(
            v.verify(&[("x", "y")][..], b"1234", 0).unwrap_err().code(),
            "missing_header"
        );
    }

    /// Without a limit, or with one past it, a body is taken up to MAX_BODY_BYTES and no further
    /// (the allocation below is never written: the check reads only its length).
    #[test]
    fn no_body_past_the_ceiling() {
        for given in [None, Some(usize::MAX), Some(MAX_BODY_BYTES + 1)] {
            let options = VerifyOptions {
                tolerance_secs: None,
                max_payload_bytes: given,
            };
            let v = SchemeVerifier::new(Scheme::GitHub, &[KeyInput::Text("s")], options).unwrap();
            assert_eq!(v.body_limit(), MAX_BODY_BYTES);
            let huge = vec![0u8; MAX_BODY_BYTES + 1];
            assert_eq!(
                v.verify(&[("x", "y")][..], &huge, 0).unwrap_err(),
                Error::PayloadTooLarge {
                    size: MAX_BODY_BYTES + 1,
                    limit: MAX_BODY_BYTES
                }
            );
        }
    }

    /// Dedupe names a verifier's keys, not the one that verified: during a rotation a delivery
    /// signed by both keys is one delivery, whichever signature a replay keeps; another set of
    /// keys (another tenant) is another name.
    #[test]
    fn dedupe_names_all_the_keys_whichever_verified() {
        let (old, new) = (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_bmV3LWtleS1uZXcta2V5LW5ldy1rZXk=",
        );
        let verifier = |keys: &[KeyInput<'_>]| {
            Verifier::new(
                Some(Scheme::StandardWebhooks),
                None,
                keys,
                VerifyOptions::default(),
            )
            .unwrap()
        };
        let by = |index| Verified {
            scheme: Scheme::StandardWebhooks,
            key_index: index,
            id: None,
            timestamp: None,
            event_type: None,
        };
        let both = [KeyInput::Text(old), KeyInput::Text(new)];
        let v = verifier(&both);
        assert_eq!(v.key_id(&by(0)), v.key_id(&by(1)));
        let w = verifier(&[KeyInput::Text(new), KeyInput::Text(old)]);
        assert_eq!(w.key_id(&by(0)), v.key_id(&by(0)), "whatever their order");
        let one = verifier(&both[..1]);
        assert_ne!(one.key_id(&by(0)), v.key_id(&by(0)));
    }

    #[test]
    fn missing_header_names_the_scheme_present() {
        let v = SchemeVerifier::new(
            Scheme::StandardWebhooks,
            &[KeyInput::Text("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")],
            VerifyOptions::default(),
        )
        .unwrap();
        let h = [("Stripe-Signature", "t=1,v1=00")];
        let err = v.verify(&h[..], b"{}", 1).unwrap_err();
        assert_eq!(err.code(), "missing_header");
        assert!(err.to_string().contains("stripe"), "{err}");
    }

    #[test]
    fn auto_detection_uses_each_schemes_key_rules() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let keys = [KeyInput::Text(secret)];
        let now = 1_700_000_000;
        for scheme in [Scheme::StandardWebhooks, Scheme::Stripe, Scheme::GitHub] {
            let signer = Signer::new(scheme, &keys).unwrap();
            let headers = signer.sign("msg_1", now, b"{}").unwrap();
            let v = Verifier::new(None, None, &keys, VerifyOptions::default()).unwrap();
            let ok = v.verify(&headers, b"{}", now).unwrap();
            assert_eq!(ok.scheme, scheme);
        }
        // A discord request with only HMAC secrets says what is missing.
        let v = Verifier::new(None, None, &keys, VerifyOptions::default()).unwrap();
        let h = [
            ("X-Signature-Ed25519", "00"),
            ("X-Signature-Timestamp", "1"),
        ];
        assert_eq!(
            v.verify(&h[..], b"", 1).unwrap_err().code(),
            "invalid_secret"
        );
    }
}

#[cfg(test)]
mod downgrade {
    use super::*;
    use crate::sign::Signer;

    #[test]
    fn timestamped_content_is_recognised_and_webhook_bodies_are_not() {
        for body in [
            &b"v0:1700000000:token=x&command=/deploy"[..],
            b"1700000000.{\"id\":\"evt_1\"}",
            b"msg_2KWPBg.1700000000.{}",
            b"evt.42.1700000000.{}",
            b"msg:1.1700000000.{}",
            b"a.b.c.1700000000.",
            format!("{}.1700000000.{{}}", "i".repeat(1000)).as_bytes(),
            b"1700000000:{\"event_type\":\"x\"}",
            b"POSThttps://example.com/hook[]1700000000000",
        ] {
            assert!(
                looks_timestamp_signed(body),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        for body in [
            &b"{\"zen\":\"x\"}"[..],
            b"payload=%7B%7D",
            b"v0:12:x",
            b"12345.6",
            b"",
            b"msg.123.x",
            b"{\"a\":\"x.1700000000.y\"}",
            b"payload=%7B%22a%22%3A%221.1700000000.2%22%7D",
            b" msg_1.1700000000.{}",
            format!("{}.1700000000.{{}}", "i".repeat(1024)).as_bytes(),
            b"[1,2]",
            b"POST /hook",
            b"Xhttps://a",
        ] {
            assert!(
                !looks_timestamp_signed(body),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn a_linear_request_resent_as_github_or_shopify_fails_detected_and_passes_named() {
        let secret = "lin_wh_secret_value";
        let keys = [KeyInput::Text(secret)];
        let body = br#"{"action":"create","type":"Issue","webhookTimestamp":1700000000000}"#;
        let linear = Signer::new(Scheme::Linear, &keys).unwrap();
        let sig = linear.sign("", 0, body).unwrap()[0].1.clone();
        let tag: [u8; 32] = crate::scheme::decode_hex(&sig).unwrap();
        let as_github = vec![("x-hub-signature-256".to_owned(), format!("sha256={sig}"))];
        let as_shopify = vec![(
            "x-shopify-hmac-sha256".to_owned(),
            crate::scheme::encode_base64(&tag),
        )];
        let a_day_later = 1_700_086_400;
        let detected = Verifier::new(None, None, &keys, VerifyOptions::default()).unwrap();
        for (headers, scheme) in [(&as_github, "github"), (&as_shopify, "shopify")] {
            assert_eq!(
                detected.verify(headers, body, a_day_later),
                Err(Error::SchemeDowngrade { scheme })
            );
            let named = Verifier::new(
                Scheme::from_name(scheme),
                None,
                &keys,
                VerifyOptions::default(),
            )
            .unwrap();
            assert!(named.verify(headers, body, a_day_later).is_ok());
        }
        // Only Linear's member, at the top level, counts.
        for body in [
            &br#"{"zen":"webhookTimestamp"}"#[..],
            br#"{"a":{"webhookTimestamp":1}}"#,
            br#"{"webhookTimestamp":"1"}"#,
        ] {
            assert!(
                !is_linear_content(body),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(is_linear_content(
            br#"{"webhookTimestamp":1,"webhookTimestamp":2}"#
        ));
    }

    /// A Standard Webhooks delivery whose id is no svix-style token (dots, colons, a long one),
    /// re-sent as GitHub's with the same raw key: refused when detected.
    #[test]
    fn a_standard_webhooks_delivery_with_any_id_reframed_as_github_is_refused_detected() {
        let key: &[u8] = b"0123456789abcdef01234567";
        let signer = Signer::new(Scheme::StandardWebhooks, &[KeyInput::Bytes(key)]).unwrap();
        let long = "x".repeat(300);
        for id in ["evt.42", "msg:1", long.as_str(), "msg_1"] {
            let body = b"{\"amount\":1}";
            let signed = signer.sign(id, 1_700_000_000, body).unwrap();
            let sig = &signed
                .iter()
                .find(|(k, _)| k == "webhook-signature")
                .unwrap()
                .1;
            let tag = decode_b64(&sig[3..]);
            let reframed = [id.as_bytes(), b".1700000000.", body].concat();
            let headers = vec![(
                "x-hub-signature-256".to_owned(),
                format!("sha256={}", hex::encode(tag)),
            )];
            let keys = [KeyInput::Bytes(key)];
            let detected = Verifier::new(None, None, &keys, VerifyOptions::default()).unwrap();
            assert_eq!(
                detected
                    .verify(&headers, &reframed, 1_800_000_000)
                    .unwrap_err(),
                Error::SchemeDowngrade { scheme: "github" },
                "{id}"
            );
        }
    }

    fn decode_b64(text: &str) -> Vec<u8> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap()
    }

    #[test]
    fn a_slack_request_reframed_as_github_fails_detected_and_passes_named() {
        let secret = "8f742231b10e8888abcd99yyyzzz85a5";
        let slack = Signer::new(Scheme::Slack, &[KeyInput::Text(secret)]).unwrap();
        let body = b"token=x&command=/deploy";
        let signed = slack.sign("", 1_700_000_000, body).unwrap();
        let sig = signed
            .iter()
            .find(|(k, _)| k == "x-slack-signature")
            .unwrap()
            .1
            .clone();
        let reframed_body = format!("v0:1700000000:{}", String::from_utf8_lossy(body));
        let headers = vec![(
            "x-hub-signature-256".to_owned(),
            format!("sha256={}", &sig[3..]),
        )];
        let keys = [KeyInput::Text(secret)];
        let detected = Verifier::new(None, None, &keys, VerifyOptions::default()).unwrap();
        assert!(matches!(
            detected.verify(&headers, reframed_body.as_bytes(), 1_800_000_000),
            Err(Error::SchemeDowngrade { scheme: "github" })
        ));
        let named =
            Verifier::new(Some(Scheme::GitHub), None, &keys, VerifyOptions::default()).unwrap();
        assert!(
            named
                .verify(&headers, reframed_body.as_bytes(), 1_800_000_000)
                .is_ok(),
            "a named scheme is the operator's choice"
        );
    }
}

/// The HMAC receiver build (no `ed25519` feature) never guesses about a key it cannot read: any
/// key that the full build would take as ed25519 is `Ed25519Unavailable`, even where
/// auto-detection would skip a key that fits no scheme, so its loader can hand the call over.
#[cfg(all(test, not(feature = "ed25519")))]
mod without_ed25519 {
    use super::*;

    #[test]
    fn ed25519_keys_are_handed_over_not_skipped() {
        let whpk = format!("{PUBLIC_KEY_PREFIX}{}", "A".repeat(43) + "=");
        let whsk = format!("{SIGNING_KEY_PREFIX}{}", "A".repeat(43) + "=");
        let hex = "0".repeat(64);
        for (scheme, key) in [
            (Some(Scheme::StandardWebhooks), whpk.as_str()),
            (Some(Scheme::StandardWebhooks), whsk.as_str()),
            (Some(Scheme::Discord), hex.as_str()),
            (None, whpk.as_str()),
            (None, hex.as_str()),
        ] {
            // Beside an HMAC secret where the scheme takes one (Discord's keys are all ed25519).
            let hmac = KeyInput::Text("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            let keys = if scheme == Some(Scheme::Discord) {
                vec![KeyInput::Text(key)]
            } else {
                vec![hmac, KeyInput::Text(key)]
            };
            let err = Verifier::new(scheme, None, &keys, VerifyOptions::default()).unwrap_err();
            assert_eq!(err, Error::Ed25519Unavailable, "{scheme:?} {key}");
        }
        // Malformed keys are refused as the full build refuses them.
        let err = Verifier::new(
            Some(Scheme::StandardWebhooks),
            None,
            &[KeyInput::Text("whpk_!!")],
            VerifyOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid_secret");
        // HMAC keys need no ed25519.
        assert!(Verifier::new(
            None,
            None,
            &[KeyInput::Text("shh-a-secret")],
            VerifyOptions::default()
        )
        .is_ok());
    }
}

/// A build without the providers' schemes (the HMAC and ed25519 receiver modules) refuses one
/// named with `SchemeUnavailable`, so its loader can hand the call to the providers build.
#[cfg(all(test, not(feature = "providers")))]
mod without_providers {
    use super::*;

    #[test]
    fn providers_build_schemes_are_handed_over() {
        for scheme in [
            Scheme::Twilio,
            Scheme::Vercel,
            Scheme::Intercom,
            Scheme::SendGrid,
        ] {
            let keys = [KeyInput::Text("a-secret")];
            let err = Verifier::new(Some(scheme), None, &keys, VerifyOptions::default());
            assert_eq!(err.unwrap_err(), Error::SchemeUnavailable, "{scheme:?}");
        }
        // The others are here.
        for scheme in [Scheme::Paddle, Scheme::Zoom, Scheme::GitLab] {
            let keys = [KeyInput::Text("a-secret")];
            assert!(Verifier::new(Some(scheme), None, &keys, VerifyOptions::default()).is_ok());
        }
    }
}
