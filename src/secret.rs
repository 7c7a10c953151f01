//! Signing secrets: parse, generate, redact.
//!
//! A Standard Webhooks secret is `whsec_` followed by base64; the HMAC key is the decoded bytes.
//! The spec asks senders for 24 to 64 random bytes (192 to 512 bits), and new secrets here have 32
//! ([`GENERATED_SECRET_LEN`]). Parsing is wider, because svix's and the spec's own libraries take a
//! key of any length (their JS refuses only an empty one) and 16-byte svix secrets are in use: any
//! non-empty key is accepted, up to a bound that only stops a pasted file. Secrets never print:
//! `Debug` says how long the key is and nothing else.

#[allow(unused_imports)]
use crate::prelude::*;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

use crate::error::Error;

/// The prefix of Standard Webhooks (and Svix) symmetric secrets.
pub const SECRET_PREFIX: &str = "whsec_";
/// The shortest decoded secret accepted from a `whsec_` string: one byte, as in svix (whose
/// libraries refuse only an empty key); 16-byte svix secrets exist in the wild.
pub const MIN_SECRET_LEN: usize = 1;
/// The longest key accepted, decoded from `whsec_` or raw: anything longer is a mistake (a file,
/// a body) rather than a key. svix sets no bound; HMAC hashes any key over 64 bytes anyway.
pub const MAX_RAW_SECRET_LEN: usize = 1024;
/// The longest decoded secret accepted from a `whsec_` string.
pub const MAX_SECRET_LEN: usize = MAX_RAW_SECRET_LEN;
/// Base64 characters of [`MAX_SECRET_LEN`] bytes with padding: longer text is refused undecoded.
const MAX_SECRET_BASE64_LEN: usize = MAX_SECRET_LEN.div_ceil(3) * 4;
/// How many random bytes [`Secret::from_random`] wants: 32, within the spec's range.
pub const GENERATED_SECRET_LEN: usize = 32;

/// Standard base64 that accepts the secret with or without its `=` padding, as secrets are pasted
/// both ways.
pub(crate) const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A symmetric signing key. Cloning copies the key bytes; `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    key: Vec<u8>,
}

impl core::fmt::Debug for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Secret(<redacted {} bytes>)", self.key.len())
    }
}

impl Secret {
    /// Parse `whsec_<base64>` or bare `<base64>` (the prefix is optional, as in the spec libraries).
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "secret_empty",
            });
        }
        if text.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(Error::InvalidSecret {
                reason: "secret_whitespace",
            });
        }
        let body = text.strip_prefix(SECRET_PREFIX).unwrap_or(text);
        if body.len() > MAX_SECRET_BASE64_LEN {
            return Err(Error::InvalidSecret {
                reason: "secret_too_long",
            });
        }
        let key = BASE64_LENIENT
            .decode(body)
            .map_err(|_| Error::InvalidSecret {
                reason: "whsec_not_base64",
            })?;
        if key.len() < MIN_SECRET_LEN {
            return Err(Error::InvalidSecret {
                reason: "whsec_empty",
            });
        }
        if key.len() > MAX_SECRET_LEN {
            return Err(Error::InvalidSecret {
                reason: "secret_too_long",
            });
        }
        Ok(Secret { key })
    }

    /// Use the bytes as the HMAC key as they are (the `{ format: "raw" }` form).
    pub fn from_bytes(key: &[u8]) -> Result<Self, Error> {
        if key.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "secret_empty",
            });
        }
        if key.len() > MAX_RAW_SECRET_LEN {
            return Err(Error::InvalidSecret {
                reason: "raw_secret_too_long",
            });
        }
        Ok(Secret { key: key.to_vec() })
    }

    /// Build a new secret from random bytes the caller drew (the core has no random source).
    pub fn from_random(random: [u8; GENERATED_SECRET_LEN]) -> Self {
        Secret {
            key: random.to_vec(),
        }
    }

    /// The key bytes, for building a MAC. Keep them out of logs.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.key
    }

    /// The `whsec_<base64>` form, for showing a newly generated secret to its owner once.
    pub fn expose_encoded(&self) -> String {
        let mut out = String::with_capacity(
            SECRET_PREFIX
                .len()
                .saturating_add(self.key.len().saturating_mul(2)),
        );
        out.push_str(SECRET_PREFIX);
        base64::engine::general_purpose::STANDARD.encode_string(&self.key, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_prefix() {
        let a = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let b = Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.expose_bytes().len(), 24);
        assert_eq!(a.expose_encoded(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    #[test]
    fn rejects_bad_secrets_with_reasons() {
        for bad in [
            "",
            "whsec_",
            "whsec_!!!!",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
        ] {
            let err = Secret::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_secret", "{bad:?}");
        }
        assert!(Secret::from_bytes(&[]).is_err());
        assert!(Secret::from_bytes(&[7; 1025]).is_err());
    }

    #[test]
    fn any_non_empty_length_up_to_the_bound_parses_as_in_svix() {
        use base64::engine::general_purpose::STANDARD;
        for len in [MIN_SECRET_LEN, 16, 23, 65, MAX_SECRET_LEN] {
            let key = vec![0x5a; len];
            let text = format!("{SECRET_PREFIX}{}", STANDARD.encode(&key));
            assert_eq!(Secret::parse(&text).unwrap().expose_bytes(), key, "{len}");
        }
        let over = format!(
            "{SECRET_PREFIX}{}",
            STANDARD.encode([0x5a; MAX_SECRET_LEN + 1])
        );
        assert!(over.len() - SECRET_PREFIX.len() <= MAX_SECRET_BASE64_LEN);
        assert_eq!(Secret::parse(&over).unwrap_err().code(), "invalid_secret");
        let text_over = format!("{SECRET_PREFIX}{}", "A".repeat(MAX_SECRET_BASE64_LEN + 1));
        assert_eq!(
            Secret::parse(&text_over).unwrap_err().code(),
            "invalid_secret"
        );
        // The exact bound: the longest padded text of MAX_SECRET_LEN bytes still parses.
        let at = format!("{SECRET_PREFIX}{}", STANDARD.encode([0x5a; MAX_SECRET_LEN]));
        assert_eq!(at.len() - SECRET_PREFIX.len(), MAX_SECRET_BASE64_LEN);
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("MfKQ"), "{shown}");
        assert_eq!(shown, "Secret(<redacted 24 bytes>)");
    }

    #[test]
    fn generated_secret_round_trips() {
        let s = Secret::from_random([9; 32]);
        assert_eq!(Secret::parse(&s.expose_encoded()).unwrap(), s);
    }
}

/// The prefix of Standard Webhooks ed25519 secret keys (seed followed by public key, base64).
pub const SIGNING_KEY_PREFIX: &str = "whsk_";
/// The prefix of Standard Webhooks ed25519 public keys (base64).
pub const PUBLIC_KEY_PREFIX: &str = "whpk_";

/// An ed25519 public key, for verifying Standard Webhooks `v1a` and Discord signatures. Without
/// the `ed25519` feature none can be made: parsing one answers [`Error::Ed25519Unavailable`].
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    #[cfg(feature = "ed25519")]
    key: ed25519_dalek::VerifyingKey,
    #[cfg(not(feature = "ed25519"))]
    key: core::convert::Infallible,
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Public keys are not secret, but a short fingerprint is all a log needs.
        let hex = self.to_hex();
        write!(f, "PublicKey({}..)", hex.get(..8).unwrap_or_default())
    }
}

/// An ed25519 signing key; `Debug` never shows it.
#[derive(Clone)]
pub struct SigningKey {
    #[cfg(feature = "ed25519")]
    key: ed25519_dalek::SigningKey,
    #[cfg(not(feature = "ed25519"))]
    key: core::convert::Infallible,
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

fn public_from_bytes(bytes: &[u8]) -> Result<PublicKey, Error> {
    let arr: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidSecret {
        reason: "public_key_length",
    })?;
    #[cfg(feature = "ed25519")]
    {
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(&arr).map_err(|_| Error::InvalidSecret {
                reason: "public_key_invalid",
            })?;
        Ok(PublicKey { key })
    }
    #[cfg(not(feature = "ed25519"))]
    {
        let _ = arr;
        Err(Error::Ed25519Unavailable)
    }
}

impl PublicKey {
    /// `whpk_<base64 of 32 bytes>` (Standard Webhooks).
    pub fn parse_whpk(text: &str) -> Result<Self, Error> {
        let body = text
            .strip_prefix(PUBLIC_KEY_PREFIX)
            .ok_or(Error::InvalidSecret {
                reason: "whpk_prefix",
            })?;
        let bytes = BASE64_LENIENT
            .decode(body)
            .map_err(|_| Error::InvalidSecret {
                reason: "whpk_not_base64",
            })?;
        public_from_bytes(&bytes)
    }

    /// 64 hex characters (Discord's application public key).
    pub fn parse_hex(text: &str) -> Result<Self, Error> {
        let mut arr = [0u8; 32];
        hex::decode_to_slice(text, &mut arr).map_err(|_| Error::InvalidSecret {
            reason: "public_key_hex",
        })?;
        public_from_bytes(&arr)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        public_from_bytes(bytes)
    }

    /// The first 8 bytes of the key's SHA-256: how a receiver's dedupe keys name the key that
    /// verified a delivery.
    pub(crate) fn key_id(&self) -> [u8; 8] {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(self.bytes());
        let mut out = [0u8; 8];
        out.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
        out
    }

    /// Whether `signature` is this key's over `message`, strictly: malleable signatures and
    /// small-order keys are refused (dalek's `verify_strict`).
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        #[cfg(feature = "ed25519")]
        {
            let sig = ed25519_dalek::Signature::from_bytes(signature);
            self.key.verify_strict(message, &sig).is_ok()
        }
        #[cfg(not(feature = "ed25519"))]
        {
            let _ = (message, signature);
            match self.key {}
        }
    }

    fn bytes(&self) -> [u8; 32] {
        #[cfg(feature = "ed25519")]
        {
            self.key.to_bytes()
        }
        #[cfg(not(feature = "ed25519"))]
        {
            match self.key {}
        }
    }

    /// `whpk_<base64>`.
    pub fn to_whpk(&self) -> String {
        let mut out = String::from(PUBLIC_KEY_PREFIX);
        base64::engine::general_purpose::STANDARD.encode_string(self.bytes(), &mut out);
        out
    }

    /// Lowercase hex, as Discord shows it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes())
    }
}

impl SigningKey {
    /// `whsk_<base64>` (Standard Webhooks): the 32-byte seed, or 64 bytes of seed then public key
    /// (the public half must belong to the seed).
    pub fn parse_whsk(text: &str) -> Result<Self, Error> {
        let body = text
            .strip_prefix(SIGNING_KEY_PREFIX)
            .ok_or(Error::InvalidSecret {
                reason: "whsk_prefix",
            })?;
        let bytes = BASE64_LENIENT
            .decode(body)
            .map_err(|_| Error::InvalidSecret {
                reason: "whsk_not_base64",
            })?;
        // The reference Go library writes the 32-byte seed; libsodium-style keys are the seed
        // followed by the public key. Both are accepted; the public half must match the seed.
        match bytes.len() {
            32 => Self::from_seed_slice(&bytes),
            64 => Self::from_pair(&bytes),
            _ => Err(Error::InvalidSecret {
                reason: "whsk_length",
            }),
        }
    }

    #[cfg(feature = "ed25519")]
    fn from_pair(bytes: &[u8]) -> Result<Self, Error> {
        let mut pair = [0u8; 64];
        pair.copy_from_slice(bytes.get(..64).unwrap_or_default());
        let key = ed25519_dalek::SigningKey::from_keypair_bytes(&pair).map_err(|_| {
            Error::InvalidSecret {
                reason: "whsk_mismatch",
            }
        })?;
        Ok(SigningKey { key })
    }

    #[cfg(not(feature = "ed25519"))]
    fn from_pair(_bytes: &[u8]) -> Result<Self, Error> {
        Err(Error::Ed25519Unavailable)
    }

    /// A 32-byte seed as 64 hex characters.
    pub fn parse_hex_seed(text: &str) -> Result<Self, Error> {
        let mut seed = [0u8; 32];
        hex::decode_to_slice(text, &mut seed)
            .map_err(|_| Error::InvalidSecret { reason: "seed_hex" })?;
        Self::from_seed_slice(&seed)
    }

    /// A key from a 32-byte seed given as bytes.
    pub fn from_seed_slice(bytes: &[u8]) -> Result<Self, Error> {
        let seed: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidSecret {
            reason: "seed_length",
        })?;
        #[cfg(feature = "ed25519")]
        {
            Ok(Self::from_seed(seed))
        }
        #[cfg(not(feature = "ed25519"))]
        {
            let _ = seed;
            Err(Error::Ed25519Unavailable)
        }
    }

    /// A key from 32 random bytes the caller drew.
    #[cfg(feature = "ed25519")]
    pub fn from_seed(seed: [u8; 32]) -> Self {
        SigningKey {
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
        }
    }

    pub fn public_key(&self) -> PublicKey {
        #[cfg(feature = "ed25519")]
        {
            PublicKey {
                key: self.key.verifying_key(),
            }
        }
        #[cfg(not(feature = "ed25519"))]
        {
            match self.key {}
        }
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        #[cfg(feature = "ed25519")]
        {
            use ed25519_dalek::Signer as _;
            self.key.sign(message).to_bytes()
        }
        #[cfg(not(feature = "ed25519"))]
        {
            let _ = message;
            match self.key {}
        }
    }

    /// `whsk_<base64>`, for showing a newly generated key to its owner once.
    #[cfg(feature = "ed25519")]
    pub fn expose_whsk(&self) -> String {
        let mut out = String::from(SIGNING_KEY_PREFIX);
        base64::engine::general_purpose::STANDARD
            .encode_string(self.key.to_keypair_bytes(), &mut out);
        out
    }
}

#[cfg(all(test, feature = "ed25519"))]
mod key_tests {
    use super::*;

    #[test]
    fn ed25519_keys_round_trip_and_redact() {
        let sk = SigningKey::from_seed([3; 32]);
        let whsk = sk.expose_whsk();
        assert!(whsk.starts_with("whsk_"));
        let again = SigningKey::parse_whsk(&whsk).unwrap();
        assert_eq!(again.public_key(), sk.public_key());
        let pk = PublicKey::parse_whpk(&sk.public_key().to_whpk()).unwrap();
        assert_eq!(PublicKey::parse_hex(&pk.to_hex()).unwrap(), pk);
        assert_eq!(format!("{sk:?}"), "SigningKey(<redacted>)");
        // A whsk_ whose public half belongs to another seed is refused.
        let mut bytes = sk.key.to_keypair_bytes();
        bytes[40] ^= 1;
        let mut forged = String::from("whsk_");
        base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut forged);
        assert_eq!(
            SigningKey::parse_whsk(&forged).unwrap_err().code(),
            "invalid_secret"
        );
        assert!(PublicKey::parse_hex("zz").is_err());
        assert!(PublicKey::parse_whpk("whsec_AAAA").is_err());
    }
}
