//! Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 keyed with the UTF-8 of the account's auth
//! token over the full URL Twilio called followed by each POST parameter's name and value, sorted
//! by name then value (repeated pairs once, as twilio-node and twilio-python do). A JSON body is
//! signed the other way: the URL carries `bodySHA256=<hex SHA-256 of the body>` in its query and
//! only the URL is signed. No timestamp.
//!
//! NOTE: the URL is not parsed: it is signed as given, and only its query (after the first `?`,
//! before any `#`) is read, with the `form_urlencoded` crate, for `bodySHA256`. The form body is
//! read with the same crate. Names are sorted by their UTF-8 bytes (JavaScript sorts UTF-16 code
//! units: the two orders differ only between characters above U+FFFF and U+E000-U+FFFF).

pub const HEADER_SIGNATURE: &str = "x-twilio-signature";

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
    use crate::scheme::keys::{Keys, Target, Verified};
    use crate::scheme::{check_length, decode_base64, decode_hex, HMAC_SHA1_LEN};
    use sha2::{Digest, Sha256};

    const BODY_HASH: &str = "bodySHA256";

    #[cfg_attr(not(feature = "sender"), inline(never))]
    pub(crate) fn verify(
        keys: &Keys,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        target: Target<'_>,
    ) -> Result<Verified, Error> {
        let value = crate::scheme::required(headers, HEADER_SIGNATURE)?;
        let url = target.url()?;
        check_length(&value, HEADER_SIGNATURE)?;
        let candidate =
            decode_base64::<HMAC_SHA1_LEN>(value.trim()).ok_or(Error::NoMatchingSignature)?;
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        let body_hash = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == BODY_HASH)
            .map(|(_, v)| v);
        let key_index = match body_hash {
            Some(hash) => {
                let index =
                    crate::scheme::keys::matching_key_sha1(keys, &[url.as_bytes()], &candidate)
                        .ok_or(Error::NoMatchingSignature)?;
                // The body's hash is no secret: the URL that carries it is signed, and the body is
                // compared with it.
                let want = decode_hex::<32>(hash.trim()).ok_or(Error::NoMatchingSignature)?;
                let got: [u8; 32] = Sha256::digest(payload).into();
                if got != want {
                    return Err(Error::NoMatchingSignature);
                }
                index
            }
            None => {
                let mut params: Vec<_> = form_urlencoded::parse(payload).collect();
                params.sort_unstable();
                params.dedup();
                let mut parts: Vec<&[u8]> =
                    Vec::with_capacity(params.len().saturating_mul(2).saturating_add(1));
                parts.push(url.as_bytes());
                for (name, value) in &params {
                    parts.push(name.as_bytes());
                    parts.push(value.as_bytes());
                }
                crate::scheme::keys::matching_key_sha1(keys, &parts, &candidate)
                    .ok_or(Error::NoMatchingSignature)?
            }
        };
        Ok(Verified {
            scheme: crate::scheme::Scheme::Twilio,
            key_index,
            id: None,
            timestamp: None,
            event_type: None,
        })
    }
}
