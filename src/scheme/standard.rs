//! Standard Webhooks `v1`: HMAC-SHA256 over `{id}.{timestamp}.{payload}`, base64 in
//! `webhook-signature: v1,<sig> [v1,<sig> ...]`.
//!
//! Svix sends the same scheme under `svix-id`, `svix-timestamp` and `svix-signature`; each header is
//! looked up under its `webhook-` name first and its `svix-` name second.

use std::borrow::Cow;

use base64::Engine as _;

use super::{tag_matches, HmacKey, Tag, HMAC_SHA256_LEN};
use crate::error::Error;
use crate::headers::HeaderSource;
use crate::secret::BASE64_LENIENT;

pub const HEADER_ID: &str = "webhook-id";
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
pub const HEADER_SIGNATURE: &str = "webhook-signature";
pub const SVIX_HEADER_ID: &str = "svix-id";
pub const SVIX_HEADER_TIMESTAMP: &str = "svix-timestamp";
pub const SVIX_HEADER_SIGNATURE: &str = "svix-signature";

/// The version tag of the symmetric signature.
pub const VERSION_V1: &str = "v1";

/// Longest `webhook-signature` value read; past it the header is rejected, not scanned.
pub const MAX_SIGNATURE_HEADER_LEN: usize = 16 * 1024;
/// Most space-separated signatures read from one header (rotation needs two or three).
pub const MAX_SIGNATURES: usize = 64;

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
    Err(Error::MissingHeader { header: primary })
}

/// Parse a unix timestamp in seconds: ASCII digits only, no sign, no fraction, no spaces.
pub fn parse_timestamp(value: &str, header: &'static str) -> Result<i64, Error> {
    if value.is_empty() || value.len() > 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidHeader {
            header,
            reason: "not a unix timestamp in whole seconds",
        });
    }
    value.parse::<i64>().map_err(|_| Error::InvalidHeader {
        header,
        reason: "not a unix timestamp in whole seconds",
    })
}

/// Read `webhook-id`, `webhook-timestamp` and `webhook-signature` (or their `svix-` twins).
pub fn read_headers(headers: &(impl HeaderSource + ?Sized)) -> Result<StandardHeaders<'_>, Error> {
    let (id, _) = required(headers, HEADER_ID, SVIX_HEADER_ID)?;
    let (ts, ts_name) = required(headers, HEADER_TIMESTAMP, SVIX_HEADER_TIMESTAMP)?;
    let (signature, sig_name) = required(headers, HEADER_SIGNATURE, SVIX_HEADER_SIGNATURE)?;
    let timestamp = parse_timestamp(ts.trim(), ts_name)?;
    if signature.len() > MAX_SIGNATURE_HEADER_LEN {
        return Err(Error::InvalidHeader {
            header: sig_name,
            reason: "longer than 16 KiB",
        });
    }
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
                header: HEADER_SIGNATURE,
                reason: "more than 64 signatures",
            });
        }
        out.push((version, sig));
    }
    Ok(out)
}

/// The tag over `{id}.{timestamp}.{payload}`; the timestamp is written in canonical decimal.
pub fn tag(key: &HmacKey, id: &str, timestamp: i64, payload: &[u8]) -> Tag {
    let ts = timestamp.to_string();
    key.tag(&[id.as_bytes(), b".", ts.as_bytes(), b".", payload])
}

/// Sign and return the `v1,<base64>` signature string.
pub fn sign(key: &HmacKey, id: &str, timestamp: i64, payload: &[u8]) -> String {
    let ts = timestamp.to_string();
    let bytes = key.tag_bytes(&[id.as_bytes(), b".", ts.as_bytes(), b".", payload]);
    let mut out = String::with_capacity(48);
    out.push_str(VERSION_V1);
    out.push(',');
    base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut out);
    out
}

/// Does one `v1` base64 signature equal `expected`? Anything that is not 32 bytes of base64 is no.
pub fn v1_matches(expected: &Tag, signature_b64: &str) -> bool {
    // 32 bytes are 44 base64 characters with padding; longer text cannot be a v1 signature.
    if signature_b64.len() > 44 {
        return false;
    }
    let mut buf = [0u8; 48];
    match BASE64_LENIENT.decode_slice(signature_b64, &mut buf) {
        Ok(n) if n == HMAC_SHA256_LEN => tag_matches(expected, buf.get(..n).unwrap_or(&[])),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_strict() {
        assert_eq!(
            parse_timestamp("1614265330", HEADER_TIMESTAMP),
            Ok(1614265330)
        );
        assert_eq!(
            parse_timestamp("0001614265330", HEADER_TIMESTAMP),
            Ok(1614265330)
        );
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
                parse_timestamp(bad, HEADER_TIMESTAMP).unwrap_err().code(),
                "invalid_header",
                "{bad:?}"
            );
        }
    }

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
