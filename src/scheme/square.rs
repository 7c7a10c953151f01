//! Square: `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256 over the notification URL
//! followed by the raw body, keyed with the UTF-8 of the subscription's signature key. No
//! timestamp. The URL is the one given in the subscription, exactly (the receiver is told it).

use super::keys::{Keys, Target, Verified};
use super::{check_length, decode_base64};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "x-square-hmacsha256-signature";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    target: Target<'_>,
) -> Result<Verified, Error> {
    let value = super::required(headers, HEADER_SIGNATURE)?;
    let url = target.url()?;
    check_length(&value, HEADER_SIGNATURE)?;
    let candidate = decode_base64::<32>(value.trim()).ok_or(Error::NoMatchingSignature)?;
    let key_index = super::keys::matching_key(keys, &[url.as_bytes(), payload], &[candidate])
        .ok_or(Error::NoMatchingSignature)?;
    Ok(Verified {
        scheme: super::Scheme::Square,
        key_index,
        id: None,
        timestamp: None,
        event_type: None,
    })
}
