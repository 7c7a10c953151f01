//! Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 over `v0:{timestamp}:{body}` where the
//! timestamp is the `X-Slack-Request-Timestamp` header exactly as sent.

use super::keys::{Keys, Verified};
use super::{check_length, decode_hex, HmacKey};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "x-slack-signature";
pub const HEADER_TIMESTAMP: &str = "x-slack-request-timestamp";
const PREFIX: &str = "v0=";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<Verified, Error> {
    let (key_index, timestamp) = verify_v0(
        keys,
        headers,
        payload,
        [HEADER_SIGNATURE, HEADER_TIMESTAMP],
        now,
        tolerance,
    )?;
    Ok(Verified {
        scheme: super::Scheme::Slack,
        key_index,
        id: None,
        timestamp: Some(timestamp),
        event_type: None,
    })
}

/// Slack's layout, which Zoom copied under its own header names (`[signature, timestamp]`):
/// `v0=<hex>` of HMAC-SHA256 over `v0:{timestamp}:{body}`. The key's index and the timestamp.
pub(crate) fn verify_v0(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    [signature, timestamp]: [&str; 2],
    now: i64,
    tolerance: u64,
) -> Result<(usize, i64), Error> {
    let value = super::required(headers, signature)?;
    let (ts_text, ts) = super::timestamp_in_window(headers, timestamp, now, tolerance)?;
    check_length(&value, signature)?;
    let candidate = value
        .trim()
        .strip_prefix(PREFIX)
        .and_then(decode_hex::<32>)
        .ok_or(Error::NoMatchingSignature)?;
    let parts: [&[u8]; 4] = [b"v0:", ts_text.as_bytes(), b":", payload];
    let key_index =
        super::keys::matching_key(keys, &parts, &[candidate]).ok_or(Error::NoMatchingSignature)?;
    Ok((key_index, ts))
}

pub(crate) fn header_value(key: &HmacKey, timestamp: i64, payload: &[u8]) -> String {
    let mut ts_text = itoa::Buffer::new();
    let ts = ts_text.format(timestamp);
    let tag = key.tag_bytes(&[b"v0:", ts.as_bytes(), b":", payload]);
    [PREFIX, &hex::encode(tag)].concat()
}
