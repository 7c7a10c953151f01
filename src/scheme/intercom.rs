//! Intercom: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the raw body keyed with the UTF-8 of the
//! app's client secret. No timestamp. The header is also GitHub's legacy one, so Intercom is
//! verified only when named (`scheme: "intercom"`), never detected.

pub const HEADER_SIGNATURE: &str = super::github::HEADER_SIGNATURE_SHA1;

#[cfg(feature = "providers")]
pub(crate) use imp::verify;

/// The verification, in the receiver's providers build only (feature `providers`).
#[cfg(feature = "providers")]
mod imp {
    use super::*;
    use crate::error::Error;
    use crate::headers::HeaderSource;
    use crate::scheme::keys::{Keys, Verified};

    #[cfg_attr(not(feature = "sender"), inline(never))]
    pub(crate) fn verify(
        keys: &Keys,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
    ) -> Result<Verified, Error> {
        crate::scheme::vercel::verify_body_sha1(
            keys,
            headers,
            payload,
            (HEADER_SIGNATURE, "sha1="),
            crate::scheme::Scheme::Intercom,
        )
    }
}
