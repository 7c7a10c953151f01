//! Signing secrets: parse, generate, redact.
//!
//! A Standard Webhooks secret is `whsec_` followed by the base64 of 24 to 64 random bytes. The HMAC
//! key is the decoded bytes. Secrets never print: `Debug` says how long the key is and nothing else.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

use crate::error::Error;

/// The prefix of Standard Webhooks (and Svix) symmetric secrets.
pub const SECRET_PREFIX: &str = "whsec_";
/// The shortest decoded secret accepted from a `whsec_` string (the spec's lower bound).
pub const MIN_SECRET_LEN: usize = 24;
/// The longest decoded secret accepted from a `whsec_` string (the spec's upper bound).
pub const MAX_SECRET_LEN: usize = 64;
/// The longest raw key accepted: anything longer is a mistake (a file, a body) rather than a key.
pub const MAX_RAW_SECRET_LEN: usize = 1024;
/// How many random bytes [`Secret::generate`] wants: 32, within the spec's range.
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

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(<redacted {} bytes>)", self.key.len())
    }
}

impl Secret {
    /// Parse `whsec_<base64>` or bare `<base64>` (the prefix is optional, as in the spec libraries).
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "secret is empty",
            });
        }
        if text.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(Error::InvalidSecret {
                reason: "secret contains whitespace; trim the value read from the environment",
            });
        }
        let body = text.strip_prefix(SECRET_PREFIX).unwrap_or(text);
        let key = BASE64_LENIENT
            .decode(body)
            .map_err(|_| Error::InvalidSecret {
                reason: "secret is not valid base64 after the whsec_ prefix",
            })?;
        if key.len() < MIN_SECRET_LEN {
            return Err(Error::InvalidSecret {
                reason: "secret decodes to fewer than 24 bytes",
            });
        }
        if key.len() > MAX_SECRET_LEN {
            return Err(Error::InvalidSecret {
                reason: "secret decodes to more than 64 bytes",
            });
        }
        Ok(Secret { key })
    }

    /// Use the bytes as the HMAC key as they are (the `{ format: "raw" }` form).
    pub fn from_bytes(key: &[u8]) -> Result<Self, Error> {
        if key.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "secret is empty",
            });
        }
        if key.len() > MAX_RAW_SECRET_LEN {
            return Err(Error::InvalidSecret {
                reason: "raw secret is longer than 1024 bytes",
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
        let mut out = String::with_capacity(SECRET_PREFIX.len() + self.key.len() * 4 / 3 + 4);
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
            "whsec_AAAA",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
        ] {
            let err = Secret::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_secret", "{bad:?}");
        }
        let long = format!("whsec_{}", "A".repeat(88)); // 66 bytes
        assert_eq!(Secret::parse(&long).unwrap_err().code(), "invalid_secret");
        assert!(Secret::from_bytes(&[]).is_err());
        assert!(Secret::from_bytes(&[7; 1025]).is_err());
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
