//! What every scheme and both sides share, a leaf the schemes, the receiver (`crate::verify`)
//! and the signer (`crate::sign`) take from: keys as the caller gives them and as they are
//! prepared, what a verification learned, the tolerance check (in seconds, and in milliseconds
//! for Linear's timestamp) and the search for the HMAC key that made a tag.

use crate::error::Error;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::{PublicKey, Secret, SigningKey, MAX_RAW_SECRET_LEN};

use super::{tag_matches, HmacKey, Scheme, HMAC_SHA256_LEN};

/// Most keys one verifier holds (rotation keeps two or three alive).
pub const MAX_KEYS: usize = 64;
/// The longest raw key accepted, checked before any allocation.
pub const MAX_KEY_BYTES: usize = MAX_RAW_SECRET_LEN;

/// A key as the caller holds it: text (a `whsec_` secret, a provider's secret string, a `whpk_`
/// or hex public key) or raw bytes. What it means depends on the scheme.
#[derive(Clone, Copy)]
pub enum KeyInput<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl core::fmt::Debug for KeyInput<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeyInput(<redacted>)")
    }
}

/// What a successful verification learned about the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub scheme: Scheme,
    /// Which key matched (0-based, in the order given): rotation telemetry.
    pub key_index: usize,
    /// The message or delivery id, where the scheme carries one.
    pub id: Option<String>,
    /// The signed timestamp in unix seconds, where the scheme carries one.
    pub timestamp: Option<i64>,
    /// The event type, where the scheme puts it in a header.
    pub event_type: Option<String>,
}

/// Reject a timestamp outside `now ± tolerance`. Equal to the bound is still accepted.
pub fn check_tolerance(timestamp: i64, now: i64, tolerance_secs: u64) -> Result<(), Error> {
    // i64 - i64 always fits in i128; saturating only to say so to the lint.
    let diff = i128::from(now).saturating_sub(i128::from(timestamp));
    let tolerance = i128::from(tolerance_secs);
    if diff > tolerance {
        return Err(Error::TimestampTooOld {
            age: u64::try_from(diff).unwrap_or(u64::MAX),
            tolerance: tolerance_secs,
        });
    }
    if diff.saturating_neg() > tolerance {
        return Err(Error::TimestampTooNew {
            ahead: u64::try_from(diff.saturating_neg()).unwrap_or(u64::MAX),
            tolerance: tolerance_secs,
        });
    }
    Ok(())
}

/// The tolerance check in milliseconds, so a timestamp 60.5 s old fails a 60 s tolerance.
pub(crate) fn check_tolerance_ms(ts_ms: i64, now: i64, tolerance: u64) -> Result<(), Error> {
    // NOTE: i64 * 1000 and u64 * 1000 fit in i128 with room to spare; saturating keeps the lint.
    let diff = i128::from(now)
        .saturating_mul(1000)
        .saturating_sub(i128::from(ts_ms));
    let tol = i128::from(tolerance).saturating_mul(1000);
    let secs = |d: i128| u64::try_from(d.unsigned_abs().div_ceil(1000)).unwrap_or(u64::MAX);
    if diff > tol {
        return Err(Error::TimestampTooOld {
            age: secs(diff),
            tolerance,
        });
    }
    if diff.saturating_neg() > tol {
        return Err(Error::TimestampTooNew {
            ahead: secs(diff),
            tolerance,
        });
    }
    Ok(())
}

/// Verification keys by kind, each with its index in the caller's list.
#[derive(Debug, Clone, Default)]
pub(crate) struct Keys {
    pub(crate) hmac: Vec<(usize, HmacKey)>,
    pub(crate) ed25519: Vec<(usize, PublicKey)>,
    /// SendGrid's ECDSA P-256 public keys (the providers build).
    #[cfg(feature = "providers")]
    pub(crate) p256: Vec<(usize, p256::ecdsa::VerifyingKey)>,
}

impl Keys {
    /// Whether no key of any kind is held.
    pub(crate) fn is_empty(&self) -> bool {
        #[cfg(feature = "providers")]
        if !self.p256.is_empty() {
            return false;
        }
        self.hmac.is_empty() && self.ed25519.is_empty()
    }
}

/// A signing key.
// NOTE: in a build without ed25519 whose `hmac` has its `reset` feature (p256's ECDSA turns it
// on in the providers build) the HMAC key is over 200 bytes and the other variant empty; a
// signer holds one or a few keys, not worth a box each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub(crate) enum SignKey {
    Hmac(HmacKey),
    Ed25519(SigningKey),
}

/// A provider's secret string used as HMAC key bytes (every HMAC scheme but Standard Webhooks).
pub(crate) fn text_secret(text: &str) -> Result<HmacKey, Error> {
    if text.is_empty() {
        return Err(Error::InvalidSecret {
            reason: "secret_empty",
        });
    }
    if text.starts_with(|c: char| c.is_whitespace()) || text.ends_with(|c: char| c.is_whitespace())
    {
        return Err(Error::InvalidSecret {
            reason: "secret_edge_whitespace",
        });
    }
    raw_secret(text.as_bytes())
}

pub(crate) fn raw_secret(bytes: &[u8]) -> Result<HmacKey, Error> {
    HmacKey::from_bytes(Secret::from_bytes(bytes)?.expose_bytes())
}

pub(crate) fn check_key_count(n: usize) -> Result<(), Error> {
    if n == 0 {
        return Err(Error::InvalidSecret { reason: "no_keys" });
    }
    if n > MAX_KEYS {
        return Err(Error::InvalidSecret {
            reason: "too_many_keys",
        });
    }
    Ok(())
}

/// The caller's index of the first HMAC key whose tag over `parts` equals one of `candidates`
/// (compared in constant time). Every HMAC scheme ends in this search; only the signed parts and
/// the decoding of the candidates differ.
pub(crate) fn matching_key(
    keys: &Keys,
    parts: &[&[u8]],
    candidates: &[[u8; HMAC_SHA256_LEN]],
) -> Option<usize> {
    if candidates.is_empty() {
        return None;
    }
    keys.hmac
        .iter()
        .find(|(_, key)| {
            let expected = key.tag(parts);
            candidates.iter().any(|c| tag_matches(&expected, c))
        })
        .map(|(index, _)| *index)
}

#[cfg(feature = "providers")]
/// The caller's index of the first key whose HMAC-SHA1 over `parts` is `candidate` (compared in
/// constant time): the SHA-1 schemes' search.
pub(crate) fn matching_key_sha1(
    keys: &Keys,
    parts: &[&[u8]],
    candidate: &[u8; super::HMAC_SHA1_LEN],
) -> Option<usize> {
    keys.hmac
        .iter()
        .find(|(_, key)| key.sha1_matches(parts, candidate))
        .map(|(index, _)| *index)
}

/// The request itself, for the schemes that sign more than its headers and body: the URL the
/// provider called (Twilio, Square, HubSpot) and its method (HubSpot). The caller says what they
/// were: behind a proxy the receiver's own view of the URL is not the provider's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target<'a> {
    pub url: Option<&'a str>,
    pub method: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// The URL, which the scheme cannot do without.
    pub(crate) fn url(&self) -> Result<&'a str, Error> {
        self.url.ok_or(Error::InvalidArgument {
            reason: "url_required",
        })
    }
}
