//! Standard Webhooks: `v1` is HMAC-SHA256 and `v1a` is ed25519, both over
//! `{id}.{timestamp}.{payload}`, base64 in `webhook-signature: v1,<sig> v1a,<sig> ...`.
//!
//! Svix sends the same scheme under `svix-id`, `svix-timestamp` and `svix-signature`; each header is
//! looked up under its `webhook-` name first and its `svix-` name second.

use super::keys::{check_tolerance, Keys, SignKey, Verified};
use super::{check_length, decode_base64, encode_base64, MAX_ED25519_SIGNATURES, MAX_SIGNATURES};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_ID: &str = "webhook-id";
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
pub const HEADER_SIGNATURE: &str = "webhook-signature";
pub const SVIX_HEADER_ID: &str = "svix-id";
pub const SVIX_HEADER_TIMESTAMP: &str = "svix-timestamp";
pub const SVIX_HEADER_SIGNATURE: &str = "svix-signature";

/// The version tag of the symmetric signature.
pub const VERSION_V1: &str = "v1";
/// The version tag of the ed25519 signature.
pub const VERSION_V1A: &str = "v1a";

/// The three headers, read and checked for presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardHeaders<'a> {
    pub id: Cow<'a, str>,
    pub timestamp: i64,
    pub signature: Cow<'a, str>,
}

fn required<'a>(
    headers: &'a (impl HeaderSource + ?Sized),
    primary: &'static str,
    fallback: &'static str,
) -> Result<(Cow<'a, str>, &'static str), Error> {
    for name in [primary, fallback] {
        if let Some(value) = headers.header(name) {
            if !value.is_empty() {
                return Ok((value, name));
            }
        }
    }
    // Named as the request names its other headers: a svix request missing `svix-id` is told
    // `svix-id`, not a `webhook-id` its sender never sends.
    let header = if uses_svix_names(headers) {
        fallback
    } else {
        primary
    };
    Err(Error::MissingHeader {
        header: header.into(),
        found: None,
    })
}

/// Whether the request carries a `svix-` header of the scheme and no `webhook-` one.
fn uses_svix_names(headers: &(impl HeaderSource + ?Sized)) -> bool {
    let carries = |names: [&str; 3]| names.iter().any(|n| headers.header(n).is_some());
    !carries([HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE])
        && carries([SVIX_HEADER_ID, SVIX_HEADER_TIMESTAMP, SVIX_HEADER_SIGNATURE])
}

/// Read `webhook-id`, `webhook-timestamp` and `webhook-signature` (or their `svix-` twins).
pub fn read_headers(headers: &(impl HeaderSource + ?Sized)) -> Result<StandardHeaders<'_>, Error> {
    let (id, _) = required(headers, HEADER_ID, SVIX_HEADER_ID)?;
    let (ts, ts_name) = required(headers, HEADER_TIMESTAMP, SVIX_HEADER_TIMESTAMP)?;
    let (signature, sig_name) = required(headers, HEADER_SIGNATURE, SVIX_HEADER_SIGNATURE)?;
    let timestamp = super::parse_timestamp(ts.trim(), ts_name)?;
    check_length(&signature, sig_name)?;
    Ok(StandardHeaders {
        id,
        timestamp,
        signature,
    })
}

/// The `(version, signature)` pairs of a signature header, in order, at most [`MAX_SIGNATURES`].
///
/// Entries are separated by ASCII whitespace; a trailing comma on an entry (what a proxy leaves when
/// it joins repeated headers with `", "`) is ignored. Entries without a comma are skipped.
pub fn signature_entries(header: &str) -> Result<Vec<(&str, &str)>, Error> {
    let mut out = Vec::new();
    for token in header.split_ascii_whitespace() {
        let token = token.strip_suffix(',').unwrap_or(token);
        let Some((version, sig)) = token.split_once(',') else {
            continue;
        };
        if out.len() == MAX_SIGNATURES {
            return Err(Error::InvalidHeader {
                header: HEADER_SIGNATURE.into(),
                reason: "too_many_signatures_in_header",
            });
        }
        out.push((version, sig));
    }
    Ok(out)
}

/// `{id}.{timestamp}.` with the timestamp in canonical decimal, as the spec libraries sign it.
fn prefix(id: &str, timestamp: i64) -> String {
    [id, ".", itoa::Buffer::new().format(timestamp), "."].concat()
}

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<Verified, Error> {
    let h = read_headers(headers)?;
    check_tolerance(h.timestamp, now, tolerance)?;
    let entries = signature_entries(&h.signature)?;
    let head = prefix(&h.id, h.timestamp);
    let v1: Vec<[u8; 32]> = entries
        .iter()
        .filter(|(v, _)| *v == VERSION_V1)
        .filter_map(|(_, s)| decode_base64::<32>(s))
        .collect();
    let mut matched = super::keys::matching_key(keys, &[head.as_bytes(), payload], &v1);
    let v1a: Vec<[u8; 64]> = entries
        .iter()
        .filter(|(v, _)| *v == VERSION_V1A)
        .filter_map(|(_, s)| decode_base64::<64>(s))
        .collect();
    if !v1a.is_empty() && !keys.ed25519.is_empty() {
        if v1a.len() > MAX_ED25519_SIGNATURES {
            return Err(Error::TooManySignatures {
                signatures: v1a.len(),
                limit: MAX_ED25519_SIGNATURES,
            });
        }
        let message = [head.as_bytes(), payload].concat();
        for (index, key) in &keys.ed25519 {
            if matched.is_some_and(|m| m < *index) {
                break;
            }
            if v1a.iter().any(|sig| key.verifies(&message, sig)) {
                matched = Some(matched.map_or(*index, |m| m.min(*index)));
                break;
            }
        }
    }
    match matched {
        Some(key_index) => Ok(Verified {
            scheme: super::Scheme::StandardWebhooks,
            key_index,
            id: Some(h.id.into_owned()),
            timestamp: Some(h.timestamp),
            event_type: None,
        }),
        None => Err(Error::NoMatchingSignature),
    }
}

/// The `webhook-signature` value: one entry per key, `v1,` for secrets and `v1a,` for ed25519
/// keys, space-separated.
pub(crate) fn signature_value(
    keys: &[SignKey],
    id: &str,
    timestamp: i64,
    payload: &[u8],
) -> String {
    let head = prefix(id, timestamp);
    let mut out = String::new();
    for key in keys {
        if !out.is_empty() {
            out.push(' ');
        }
        match key {
            SignKey::Hmac(k) => {
                out.push_str("v1,");
                out.push_str(&encode_base64(&k.tag_bytes(&[head.as_bytes(), payload])));
            }
            SignKey::Ed25519(k) => {
                out.push_str("v1a,");
                let message = [head.as_bytes(), payload].concat();
                out.push_str(&encode_base64(&k.sign(&message)));
            }
        }
    }
    out
}

pub(crate) fn sign(
    keys: &[SignKey],
    id: &str,
    timestamp: i64,
    payload: &[u8],
) -> Vec<(String, String)> {
    vec![
        (HEADER_ID.to_owned(), id.to_owned()),
        (
            HEADER_TIMESTAMP.to_owned(),
            itoa::Buffer::new().format(timestamp).to_owned(),
        ),
        (
            HEADER_SIGNATURE.to_owned(),
            signature_value(keys, id, timestamp, payload),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_split_and_skip_junk() {
        let e = signature_entries("v1,abc v2,def junk v1a,xyz, v1,q").unwrap();
        assert_eq!(
            e,
            vec![("v1", "abc"), ("v2", "def"), ("v1a", "xyz"), ("v1", "q")]
        );
        let many = "v1,x ".repeat(65);
        assert_eq!(
            signature_entries(&many).unwrap_err().code(),
            "invalid_header"
        );
    }
}

#[cfg(all(test, feature = "ed25519"))]
mod work_bound {
    use crate::secret::SigningKey;
    use crate::{Error, KeyInput, SchemeVerifier, Signer, VerifyOptions};

    #[test]
    fn ed25519_signatures_past_what_rotation_needs_are_refused_before_any_check() {
        let signer_key = SigningKey::from_seed([9; 32]).expose_whsk();
        let signer = Signer::new(
            super::super::Scheme::StandardWebhooks,
            &[KeyInput::Text(&signer_key)],
        )
        .unwrap();
        let headers = signer.sign("msg_1", 100, b"{}").unwrap();
        let sig = headers
            .iter()
            .find(|(k, _)| k == "webhook-signature")
            .unwrap()
            .1
            .clone();
        let others: Vec<String> = (1..=8u8)
            .map(|i| SigningKey::from_seed([i; 32]).public_key().to_whpk())
            .collect();
        let inputs: Vec<KeyInput<'_>> = others.iter().map(|k| KeyInput::Text(k)).collect();
        let v = SchemeVerifier::new(
            super::super::Scheme::StandardWebhooks,
            &inputs,
            VerifyOptions::default(),
        )
        .unwrap();
        let with = |n: usize| {
            let mut h = headers.clone();
            for (k, val) in &mut h {
                if k == "webhook-signature" {
                    *val = vec![sig.as_str(); n].join(" ");
                }
            }
            v.verify(&h, b"{}", 100)
        };
        // Two signatures (a rotation's) against eight keys: checked, none matches.
        assert!(matches!(with(2), Err(Error::NoMatchingSignature)));
        // A third is refused whatever the keys, before any check.
        for n in [3, 64] {
            assert!(matches!(
                with(n),
                Err(Error::TooManySignatures {
                    signatures,
                    limit: 2
                }) if signatures == n
            ));
        }
    }
}
