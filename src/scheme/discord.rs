//! Discord interactions: `X-Signature-Ed25519: <hex>`, ed25519 over the `X-Signature-Timestamp`
//! header followed directly by the body, checked with the application's hex public key.

use super::keys::{Keys, Verified};
use super::{check_length, decode_hex};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::SigningKey;

pub const HEADER_SIGNATURE: &str = "x-signature-ed25519";
pub const HEADER_TIMESTAMP: &str = "x-signature-timestamp";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
    payload: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<Verified, Error> {
    let value = super::required(headers, HEADER_SIGNATURE)?;
    let (ts_text, timestamp) =
        super::timestamp_in_window(headers, HEADER_TIMESTAMP, now, tolerance)?;
    check_length(&value, HEADER_SIGNATURE)?;
    let sig = decode_hex::<64>(value.trim()).ok_or(Error::NoMatchingSignature)?;
    let message = [ts_text.as_bytes(), payload].concat();
    for (index, key) in &keys.ed25519 {
        if key.verifies(&message, &sig) {
            return Ok(Verified {
                scheme: super::Scheme::Discord,
                key_index: *index,
                id: None,
                timestamp: Some(timestamp),
                event_type: None,
            });
        }
    }
    Err(Error::NoMatchingSignature)
}

pub(crate) fn header_value(key: &SigningKey, timestamp: i64, payload: &[u8]) -> String {
    let message = [itoa::Buffer::new().format(timestamp).as_bytes(), payload].concat();
    hex::encode(key.sign(&message))
}
