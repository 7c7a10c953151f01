//! Zoom: `x-zm-signature: v0=<hex>`, HMAC-SHA256 over `v0:{x-zm-request-timestamp}:{body}` keyed
//! with the UTF-8 of the app's secret token: Slack's layout under Zoom's header names. Zoom's
//! `endpoint.url_validation` handshake is answered by [`crate::handshake`] (`handshake_token`).

use super::keys::{Keys, Verified};
use super::HmacKey;
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "x-zm-signature";
pub const HEADER_TIMESTAMP: &str = "x-zm-request-timestamp";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<Verified, Error> {
    let (key_index, timestamp) = super::slack::verify_v0(
        keys,
        headers,
        payload,
        [HEADER_SIGNATURE, HEADER_TIMESTAMP],
        now,
        tolerance,
    )?;
    Ok(Verified {
        scheme: super::Scheme::Zoom,
        key_index,
        id: None,
        timestamp: Some(timestamp),
        event_type: None,
    })
}

/// Zoom's answer to `endpoint.url_validation`: the hex HMAC-SHA256 of the `plainToken` under the
/// secret token (its `encryptedToken`).
pub fn handshake_token(key: &HmacKey, plain_token: &[u8]) -> String {
    hex::encode(key.tag_bytes(&[plain_token]))
}
