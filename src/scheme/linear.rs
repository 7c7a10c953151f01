//! Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the raw body keyed with the UTF-8 of the
//! secret. The timestamp is `webhookTimestamp` (unix milliseconds) inside the JSON body, so the
//! signature is checked first and the body parsed only once it is known to be Linear's.

use super::keys::{check_tolerance_ms, Keys, Verified};
use super::{check_length, decode_hex, HmacKey};
use crate::error::Error;
use crate::headers::HeaderSource;
use crate::json::{JsonError, Member};
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_SIGNATURE: &str = "linear-signature";
pub const HEADER_DELIVERY: &str = "linear-delivery";
pub const HEADER_EVENT: &str = "linear-event";

/// `webhookTimestamp` from the body, in milliseconds.
pub fn body_timestamp_ms(payload: &[u8]) -> Result<i64, Error> {
    match crate::json::top_level_integer(payload, "webhookTimestamp") {
        Ok(Member::Integer(ms)) => Ok(ms),
        Ok(Member::NotInteger) => Err(Error::InvalidPayload {
            reason: "linear_no_timestamp",
        }),
        Err(JsonError::Repeated) => Err(Error::InvalidPayload {
            reason: "linear_repeated_timestamp",
        }),
        Err(JsonError::Invalid) => Err(Error::InvalidPayload {
            reason: "linear_not_json",
        }),
    }
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
    check_length(&value, HEADER_SIGNATURE)?;
    let candidate = decode_hex::<32>(value.trim()).ok_or(Error::NoMatchingSignature)?;
    let key_index = super::keys::matching_key(keys, &[payload], &[candidate])
        .ok_or(Error::NoMatchingSignature)?;
    let ts_ms = body_timestamp_ms(payload)?;
    check_tolerance_ms(ts_ms, now, tolerance)?;
    Ok(Verified {
        scheme: super::Scheme::Linear,
        key_index,
        id: super::optional(headers, HEADER_DELIVERY),
        timestamp: Some(ts_ms.div_euclid(1000)),
        event_type: super::optional(headers, HEADER_EVENT),
    })
}

pub(crate) fn header_value(key: &HmacKey, payload: &[u8]) -> String {
    hex::encode(key.tag_bytes(&[payload]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_timestamp() {
        assert_eq!(
            body_timestamp_ms(br#"{"webhookTimestamp":1700000000123}"#),
            Ok(1700000000123)
        );
        for bad in [
            &b"[]"[..],
            b"{}",
            br#"{"webhookTimestamp":"1"}"#,
            b"nope",
            b"",
        ] {
            assert_eq!(
                body_timestamp_ms(bad).unwrap_err().code(),
                "invalid_payload"
            );
        }
        assert!(check_tolerance_ms(1_000_000, 1060, 60).is_ok());
        assert_eq!(
            check_tolerance_ms(999_999, 1060, 60).unwrap_err().code(),
            "timestamp_too_old"
        );
        assert_eq!(
            check_tolerance_ms(1_120_001, 1060, 60).unwrap_err().code(),
            "timestamp_too_new"
        );
    }
}
