//! Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 over `{t}.{payload}`.
//!
//! NOTE: the HMAC key is the UTF-8 of the whole signing secret, `whsec_` prefix included. It is not
//! base64-decoded as a Standard Webhooks secret with the same prefix would be.

use super::keys::{check_tolerance, Keys, Verified};
use super::{check_length, decode_hex, HmacKey, MAX_SIGNATURES};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "stripe-signature";

/// The parts of a `t=...,v1=...` header (Stripe's layout, also used by custom schemes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampedHeader<'a> {
    pub timestamp: i64,
    /// The `v1=` values, undecoded.
    pub signatures: Vec<&'a str>,
}

/// Parse `t=<unix>,v1=<sig>,...`. The last `t` wins, as in stripe-node; other keys are ignored.
pub fn parse_header<'a>(value: &'a str, header: &str) -> Result<TimestampedHeader<'a>, Error> {
    check_length(value, header)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in value.split(',') {
        let Some((k, v)) = item.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" => timestamp = Some(v),
            "v1" => {
                if signatures.len() == MAX_SIGNATURES {
                    return Err(Error::InvalidHeader {
                        header: header.to_owned().into(),
                        reason: "too_many_signatures_in_header",
                    });
                }
                signatures.push(v);
            }
            _ => {}
        }
    }
    let t = timestamp.ok_or_else(|| Error::InvalidHeader {
        header: header.to_owned().into(),
        reason: "stripe_no_t",
    })?;
    Ok(TimestampedHeader {
        timestamp: super::parse_timestamp(t, header)?,
        signatures,
    })
}

/// Verify a `t=,v1=` header over `{t}.{payload}` with hex signatures.
pub(crate) fn verify_timestamped(
    keys: &Keys,
    value: &str,
    header: &str,
    payload: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<(usize, i64), Error> {
    let parsed = parse_header(value, header)?;
    check_tolerance(parsed.timestamp, now, tolerance)?;
    let candidates: Vec<[u8; 32]> = parsed
        .signatures
        .iter()
        .filter_map(|s| decode_hex::<32>(s))
        .collect();
    let head = [itoa::Buffer::new().format(parsed.timestamp), "."].concat();
    let index = super::keys::matching_key(keys, &[head.as_bytes(), payload], &candidates)
        .ok_or(Error::NoMatchingSignature)?;
    Ok((index, parsed.timestamp))
}

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<Verified, Error> {
    let value = super::required(headers, HEADER_SIGNATURE)?;
    let (key_index, timestamp) =
        verify_timestamped(keys, &value, HEADER_SIGNATURE, payload, now, tolerance)?;
    Ok(Verified {
        scheme: super::Scheme::Stripe,
        key_index,
        id: None,
        timestamp: Some(timestamp),
        event_type: None,
    })
}

/// `t=<timestamp>,v1=<hex>` with one `v1` per key (Stripe itself sends two during a rotation).
pub(crate) fn header_value(keys: &[HmacKey], timestamp: i64, payload: &[u8]) -> String {
    let mut ts_text = itoa::Buffer::new();
    let ts = ts_text.format(timestamp);
    let head = [ts, "."].concat();
    let mut out = ["t=", ts].concat();
    for key in keys {
        out.push_str(",v1=");
        out.push_str(&hex::encode(key.tag_bytes(&[head.as_bytes(), payload])));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parsing() {
        let h = parse_header("t=12,v1=ab,v0=cd,v1=ef", HEADER_SIGNATURE).unwrap();
        assert_eq!(h.timestamp, 12);
        assert_eq!(h.signatures, vec!["ab", "ef"]);
        assert_eq!(
            parse_header("v1=ab", HEADER_SIGNATURE).unwrap_err().code(),
            "invalid_header"
        );
        assert_eq!(
            parse_header("t=x,v1=ab", HEADER_SIGNATURE)
                .unwrap_err()
                .code(),
            "invalid_header"
        );
    }
}
