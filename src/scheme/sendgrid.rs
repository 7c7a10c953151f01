//! SendGrid (Twilio SendGrid's signed Event Webhook): `X-Twilio-Email-Event-Webhook-Signature`,
//! the base64 of an ECDSA P-256 / SHA-256 signature in DER over the
//! `X-Twilio-Email-Event-Webhook-Timestamp` header followed directly by the body, checked with the
//! verification key SendGrid shows (base64 of its SubjectPublicKeyInfo DER). The timestamp is unix
//! seconds, checked against the tolerance. Verified in the receiver's providers build only
//! (feature `providers`); the curve, the DER and the SPKI are RustCrypto's `p256`.

pub const HEADER_SIGNATURE: &str = "x-twilio-email-event-webhook-signature";
pub const HEADER_TIMESTAMP: &str = "x-twilio-email-event-webhook-timestamp";

#[cfg(feature = "providers")]
pub(crate) use imp::{public_key, verify};

#[cfg(feature = "providers")]
mod imp {
    use super::*;
    use crate::error::Error;
    use crate::headers::HeaderSource;
    #[allow(unused_imports)]
    use crate::prelude::*;
    use crate::scheme::check_length;
    use crate::scheme::keys::{KeyInput, Keys, Verified};
    use crate::secret::BASE64_LENIENT;
    use base64::Engine as _;
    use p256::ecdsa::signature::DigestVerifier;
    use p256::ecdsa::{Signature, VerifyingKey};
    use p256::pkcs8::DecodePublicKey;
    use sha2::{Digest, Sha256};

    /// The longest base64 of a P-256 SubjectPublicKeyInfo read (its DER is 91 bytes).
    const MAX_KEY_TEXT: usize = 256;
    /// A DER P-256 signature is at most 72 bytes: 96 characters of base64.
    const MAX_SIGNATURE_TEXT: usize = 96;

    /// A verification key as SendGrid shows it (base64 SPKI DER), or its DER bytes.
    pub(crate) fn public_key(input: KeyInput<'_>) -> Result<VerifyingKey, Error> {
        let bad = Error::InvalidSecret {
            reason: "sendgrid_public_key",
        };
        let der = match input {
            KeyInput::Text(t) if t.trim().len() <= MAX_KEY_TEXT => {
                BASE64_LENIENT.decode(t.trim()).map_err(|_| bad.clone())?
            }
            KeyInput::Text(_) => return Err(bad),
            KeyInput::Bytes(b) => b.to_vec(),
        };
        VerifyingKey::from_public_key_der(&der).map_err(|_| bad)
    }

    #[cfg_attr(not(feature = "sender"), inline(never))]
    pub(crate) fn verify(
        keys: &Keys,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        now: i64,
        tolerance: u64,
    ) -> Result<Verified, Error> {
        let value = crate::scheme::required(headers, HEADER_SIGNATURE)?;
        let (ts_text, timestamp) =
            crate::scheme::timestamp_in_window(headers, HEADER_TIMESTAMP, now, tolerance)?;
        check_length(&value, HEADER_SIGNATURE)?;
        let text = value.trim();
        if text.len() > MAX_SIGNATURE_TEXT {
            return Err(Error::NoMatchingSignature);
        }
        let mut der = [0u8; 72];
        let n = BASE64_LENIENT
            .decode_slice(text, &mut der)
            .map_err(|_| Error::NoMatchingSignature)?;
        let sig = der
            .get(..n)
            .and_then(|d| Signature::from_der(d).ok())
            .ok_or(Error::NoMatchingSignature)?;
        let digest = Sha256::new()
            .chain_update(ts_text.as_bytes())
            .chain_update(payload);
        let key_index = keys
            .p256
            .iter()
            .find(|(_, key)| key.verify_digest(digest.clone(), &sig).is_ok())
            .map(|(index, _)| *index)
            .ok_or(Error::NoMatchingSignature)?;
        Ok(Verified {
            scheme: crate::scheme::Scheme::SendGrid,
            key_index,
            id: None,
            timestamp: Some(timestamp),
            event_type: None,
        })
    }
}
