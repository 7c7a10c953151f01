//! Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>...]` (one `h1` per secret
//! while a secret is rotated), HMAC-SHA256 over `{ts}:{body}` keyed with the UTF-8 of the
//! notification destination's secret key.

use super::keys::{check_tolerance, Keys, Verified};
use super::{check_length, decode_hex, MAX_SIGNATURES};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "paddle-signature";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<Verified, Error> {
    let value = super::required(headers, HEADER_SIGNATURE)?;
    check_length(&value, HEADER_SIGNATURE)?;
    let invalid = |reason| Error::InvalidHeader {
        header: HEADER_SIGNATURE.into(),
        reason,
    };
    let mut ts = None;
    let mut candidates = Vec::new();
    for item in value.split(';') {
        match item.trim().split_once('=') {
            Some(("ts", v)) => ts = Some(v),
            Some(("h1", v)) => {
                if candidates.len() == MAX_SIGNATURES {
                    return Err(invalid("too_many_signatures_in_header"));
                }
                candidates.extend(decode_hex::<32>(v));
            }
            _ => {}
        }
    }
    let ts_text = ts.ok_or_else(|| invalid("paddle_no_ts"))?;
    let timestamp = super::parse_timestamp(ts_text, HEADER_SIGNATURE)?;
    check_tolerance(timestamp, now, tolerance)?;
    let parts: [&[u8]; 3] = [ts_text.as_bytes(), b":", payload];
    let key_index =
        super::keys::matching_key(keys, &parts, &candidates).ok_or(Error::NoMatchingSignature)?;
    Ok(Verified {
        scheme: super::Scheme::Paddle,
        key_index,
        id: None,
        timestamp: Some(timestamp),
        event_type: None,
    })
}
