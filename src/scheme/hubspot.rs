//! HubSpot (signature v3): `X-HubSpot-Signature-v3: <base64>`, HMAC-SHA256 over
//! `{method}{url}{body}{timestamp}` keyed with the UTF-8 of the app's client secret, where the
//! timestamp is `X-HubSpot-Request-Timestamp` as sent, in unix milliseconds. The URL is taken as
//! given, as HubSpot's own client library (`Signature.isValid`) takes it; the method defaults to
//! `POST`, the method of HubSpot's webhooks.

use super::keys::{check_tolerance_ms, Keys, Target, Verified};
use super::{check_length, decode_base64};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "x-hubspot-signature-v3";
pub const HEADER_TIMESTAMP: &str = "x-hubspot-request-timestamp";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    target: Target<'_>,
    now: i64,
    tolerance: u64,
) -> Result<Verified, Error> {
    let value = super::required(headers, HEADER_SIGNATURE)?;
    let url = target.url()?;
    let ts_text = super::required(headers, HEADER_TIMESTAMP)?;
    let ts_text = ts_text.trim();
    let ts_ms =
        super::parse_timestamp(ts_text, HEADER_TIMESTAMP).map_err(|_| Error::InvalidHeader {
            header: HEADER_TIMESTAMP.into(),
            reason: "not_unix_ms",
        })?;
    check_tolerance_ms(ts_ms, now, tolerance)?;
    check_length(&value, HEADER_SIGNATURE)?;
    let candidate = decode_base64::<32>(value.trim()).ok_or(Error::NoMatchingSignature)?;
    let method = target.method.unwrap_or("POST");
    let parts: [&[u8]; 4] = [
        method.as_bytes(),
        url.as_bytes(),
        payload,
        ts_text.as_bytes(),
    ];
    let key_index =
        super::keys::matching_key(keys, &parts, &[candidate]).ok_or(Error::NoMatchingSignature)?;
    Ok(Verified {
        scheme: super::Scheme::HubSpot,
        key_index,
        id: None,
        timestamp: Some(ts_ms.div_euclid(1000)),
        event_type: None,
    })
}
