//! Vercel: `x-vercel-signature: <hex>`, HMAC-SHA1 of the raw body keyed with the UTF-8 of the
//! webhook's secret. No timestamp.

pub const HEADER_SIGNATURE: &str = "x-vercel-signature";

#[cfg(feature = "providers")]
pub(crate) use imp::{verify, verify_body_sha1};

/// The verification, in the receiver's providers build only (feature `providers`).
#[cfg(feature = "providers")]
mod imp {
    use super::*;
    use crate::error::Error;
    use crate::headers::HeaderSource;
    #[allow(unused_imports)]
    use crate::prelude::*;
    use crate::scheme::keys::{Keys, Verified};
    use crate::scheme::{check_length, decode_hex, Scheme, HMAC_SHA1_LEN};

    #[cfg_attr(not(feature = "sender"), inline(never))]
    pub(crate) fn verify(
        keys: &Keys,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
    ) -> Result<Verified, Error> {
        verify_body_sha1(
            keys,
            headers,
            payload,
            (HEADER_SIGNATURE, ""),
            Scheme::Vercel,
        )
    }

    /// A hex HMAC-SHA1 of the raw body, after `prefix`, in one header: Vercel's layout, and
    /// Intercom's with `sha1=` in front. No timestamp, no id.
    pub(crate) fn verify_body_sha1(
        keys: &Keys,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        (header, prefix): (&str, &str),
        scheme: Scheme,
    ) -> Result<Verified, Error> {
        let value = crate::scheme::required(headers, header)?;
        check_length(&value, header)?;
        let candidate = value
            .trim()
            .strip_prefix(prefix)
            .and_then(decode_hex::<HMAC_SHA1_LEN>)
            .ok_or(Error::NoMatchingSignature)?;
        let key_index = crate::scheme::keys::matching_key_sha1(keys, &[payload], &candidate)
            .ok_or(Error::NoMatchingSignature)?;
        Ok(Verified {
            scheme,
            key_index,
            id: None,
            timestamp: None,
            event_type: None,
        })
    }
}
