//! Signature schemes, one module each, and the keyed MAC they share.
//!
//! A scheme knows which headers it reads, what bytes are signed and how signatures are encoded. The
//! receiver in [`crate::verify`] picks the scheme and applies the shared rules (tolerance, rotation).

use hmac::digest::CtOutput;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::Error;
use crate::secret::Secret;

pub mod standard;

/// The schemes hookline can sign and verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Standard Webhooks `v1` (HMAC-SHA256, base64), also sent by Svix under `svix-*` headers.
    StandardWebhooks,
}

impl Scheme {
    /// The stable name used in options and results (`"standard-webhooks"`).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::StandardWebhooks => "standard-webhooks",
        }
    }

    /// Look a scheme up by its stable name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "standard-webhooks" | "standardwebhooks" | "svix" => Some(Scheme::StandardWebhooks),
            _ => None,
        }
    }
}

/// The length of an HMAC-SHA256 tag.
pub const HMAC_SHA256_LEN: usize = 32;

/// An HMAC-SHA256 key with its inner and outer pads already absorbed, so each message costs only
/// the compressions of the message itself. `Debug` never shows key material.
#[derive(Clone)]
pub struct HmacKey {
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacKey(<redacted>)")
    }
}

/// A computed tag whose equality check runs in constant time (the MAC crate's `CtOutput`).
pub type Tag = CtOutput<Hmac<Sha256>>;

impl HmacKey {
    pub fn new(secret: &Secret) -> Result<Self, Error> {
        Self::from_bytes(secret.expose_bytes())
    }

    pub fn from_bytes(key: &[u8]) -> Result<Self, Error> {
        let keyed =
            <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| Error::InvalidSecret {
                reason: "key cannot be used for HMAC-SHA256",
            })?;
        Ok(HmacKey { keyed })
    }

    /// The tag over the concatenation of `parts`, kept in its constant-time wrapper.
    pub fn tag(&self, parts: &[&[u8]]) -> Tag {
        let mut mac = self.keyed.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize()
    }

    /// The raw tag bytes, for encoding into a header when signing.
    pub fn tag_bytes(&self, parts: &[&[u8]]) -> [u8; HMAC_SHA256_LEN] {
        self.tag(parts).into_bytes().into()
    }
}

/// Compare a computed tag with candidate bytes from a header, in constant time for equal lengths.
/// A candidate of the wrong length can never match and is rejected without comparing.
pub fn tag_matches(expected: &Tag, candidate: &[u8]) -> bool {
    let Ok(arr) = <[u8; HMAC_SHA256_LEN]>::try_from(candidate) else {
        return false;
    };
    let candidate = Tag::new(arr.into());
    // NOTE: `CtOutput`'s `PartialEq` is `subtle::ConstantTimeEq`, not a byte-wise early exit.
    &candidate == expected
}
