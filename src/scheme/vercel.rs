//! Vercel: `x-vercel-signature: <hex>`, HMAC-SHA1 of the raw body keyed with the UTF-8 of the
//! webhook's secret. No timestamp.

pub const HEADER_SIGNATURE: &str = "x-vercel-signature";

#[cfg(feature = "providers")]
pub(crate) use imp::verify;

/// The verification, in the receiver's providers build only (feature `providers`).
#[cfg(feature = "providers")]
mod imp {
    use super::*;
    use crate::error::Error;
    use crate::headers::HeaderSource;
    #[allow(unused_imports)]
    use crate::prelude::*;
    use crate::scheme::keys::{Keys, Verified};
    use crate::scheme::{check_length, decode_hex, HMAC_SHA1_LEN};

    #[cfg_attr(not(feature = "sender"), inline(never))]
    pub(crate) fn verify(
        keys: &Keys,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
    ) -> Result<Verified, Error> {
        let value = crate::scheme::required(headers, HEADER_SIGNATURE)?;
        check_length(&value, HEADER_SIGNATURE)?;
        let candidate =
            decode_hex::<HMAC_SHA1_LEN>(value.trim()).ok_or(Error::NoMatchingSignature)?;
        let key_index = crate::scheme::keys::matching_key_sha1(keys, &[payload], &candidate)
            .ok_or(Error::NoMatchingSignature)?;
        Ok(Verified {
            scheme: crate::scheme::Scheme::Vercel,
            key_index,
            id: None,
            timestamp: None,
            event_type: None,
        })
    }
}
