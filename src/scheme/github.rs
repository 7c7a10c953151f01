//! GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body keyed with the UTF-8
//! of the secret. `X-GitHub-Event` and `X-GitHub-Delivery` are carried into the result.

use super::keys::{Keys, Verified};
use super::{check_length, decode_hex, HmacKey};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "x-hub-signature-256";
/// The legacy SHA-1 header: recognised for detection and hints, never trusted.
pub const HEADER_SIGNATURE_SHA1: &str = "x-hub-signature";
pub const HEADER_EVENT: &str = "x-github-event";
pub const HEADER_DELIVERY: &str = "x-github-delivery";
const PREFIX: &str = "sha256=";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
) -> Result<Verified, Error> {
    // NOTE: a request with only the SHA-1 `X-Hub-Signature` fails here as missing the SHA-256
    // header: SHA-1 signatures are never trusted.
    let value = super::required(headers, HEADER_SIGNATURE)?;
    check_length(&value, HEADER_SIGNATURE)?;
    let candidate = value
        .trim()
        .strip_prefix(PREFIX)
        .and_then(decode_hex::<32>)
        .ok_or(Error::NoMatchingSignature)?;
    let key_index = super::keys::matching_key(keys, &[payload], &[candidate])
        .ok_or(Error::NoMatchingSignature)?;
    Ok(Verified {
        scheme: super::Scheme::GitHub,
        key_index,
        id: super::optional(headers, HEADER_DELIVERY),
        timestamp: None,
        event_type: super::optional(headers, HEADER_EVENT),
    })
}

pub(crate) fn header_value(key: &HmacKey, payload: &[u8]) -> String {
    [PREFIX, &hex::encode(key.tag_bytes(&[payload]))].concat()
}
