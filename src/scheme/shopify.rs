//! Shopify: `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the raw body keyed with the UTF-8 of
//! the app's secret. `X-Shopify-Webhook-Id` and `X-Shopify-Topic` are carried into the result.

use super::keys::{Keys, Verified};
use super::{check_length, decode_base64, encode_base64, HmacKey};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "x-shopify-hmac-sha256";
pub const HEADER_WEBHOOK_ID: &str = "x-shopify-webhook-id";
pub const HEADER_TOPIC: &str = "x-shopify-topic";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
) -> Result<Verified, Error> {
    let value = super::required(headers, HEADER_SIGNATURE)?;
    check_length(&value, HEADER_SIGNATURE)?;
    let candidate = decode_base64::<32>(value.trim()).ok_or(Error::NoMatchingSignature)?;
    let key_index = super::keys::matching_key(keys, &[payload], &[candidate])
        .ok_or(Error::NoMatchingSignature)?;
    Ok(Verified {
        scheme: super::Scheme::Shopify,
        key_index,
        id: super::optional(headers, HEADER_WEBHOOK_ID),
        timestamp: None,
        event_type: super::optional(headers, HEADER_TOPIC),
    })
}

pub(crate) fn header_value(key: &HmacKey, payload: &[u8]) -> String {
    encode_base64(&key.tag_bytes(&[payload]))
}
