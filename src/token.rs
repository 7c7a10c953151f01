//! Tenant-scoped tokens for the management API (sender side): a signed, expiring claim that lets
//! its bearer act for one tenant, optionally only read.
//!
//! A token is `hlt_<claim>.<tag>`: the claim is base64url (no padding) of
//! `{"v":1,"tenant":...,"readOnly":...,"issuedAtMs":...,"expiresAtMs":...,"nonce":...}` and the
//! tag base64url of HMAC-SHA256 over the claim's base64url text. The HMAC key is derived from
//! the operator's secret (the API's bearer token, or a key of its own) with HKDF-SHA256, so
//! changing that secret revokes every token, and the operator's token itself never signs.
//! The tag is checked through the MAC crate's `verify_slice` (constant time), before the claim
//! is read at all.
//!
//! The rules ([`TokenKey::check`]):
//! - a token that is not one of ours, or whose tag does not match, is `invalid_token`;
//! - one past its `expiresAtMs` is `token_expired`;
//! - one for another tenant is `forbidden`, and so is a read-only one asked to write, and any
//!   tenant token asked to issue tokens (only the operator does).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::Error;

/// What a token's text starts with.
pub const PREFIX: &str = "hlt_";
/// How long a token lasts when the issuer does not say: one hour.
pub const DEFAULT_TTL_MS: u64 = 3_600_000;
/// The shortest life a token may be given: one minute.
pub const MIN_TTL_MS: u64 = 60_000;
/// The longest: seven days.
pub const MAX_TTL_MS: u64 = 7 * 86_400_000;
/// The longest token text read (anything longer is not ours).
const MAX_TOKEN_LEN: usize = 1024;
/// The longest tenant id a token carries.
const MAX_TENANT_LEN: usize = 128;
/// HKDF's `info`: what the derived key is for, so it signs nothing else.
const KEY_INFO: &[u8] = b"hookline tenant token v1";

/// What a request asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Access {
    /// Read (GET).
    Read,
    /// Change something (POST, PATCH, DELETE).
    Write,
    /// Issue tenant tokens: the operator's alone.
    Issue,
}

/// A token's claim, as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Claim {
    /// The claim's format: 1.
    pub v: u8,
    pub tenant: String,
    pub read_only: bool,
    pub issued_at_ms: i64,
    pub expires_at_ms: i64,
    /// Random bytes (base64url), so two tokens issued at once differ.
    pub nonce: String,
}

/// What the issuer asks for: `{ expiresInMs?, readOnly? }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssueOptions {
    #[serde(default)]
    pub expires_in_ms: Option<u64>,
    #[serde(default)]
    pub read_only: Option<bool>,
}

impl IssueOptions {
    /// The options of a request body (`{}` when it has none); unknown fields and values of
    /// another type are refused by name.
    pub fn from_body(body: &serde_json::Value) -> Result<IssueOptions, Error> {
        let map = crate::support::fields(body, &["expiresInMs", "readOnly"])?;
        let bad = |name: &str, reason| Error::InvalidParameter {
            name: name.to_owned(),
            reason,
        };
        let expires_in_ms = match map.get("expiresInMs") {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .ok_or_else(|| bad("expiresInMs", "must be a whole number of milliseconds"))?,
            ),
        };
        let read_only = match map.get("readOnly") {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(
                v.as_bool()
                    .ok_or_else(|| bad("readOnly", "must be true or false"))?,
            ),
        };
        Ok(IssueOptions {
            expires_in_ms,
            read_only,
        })
    }
}

/// An issued token and when it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Issued {
    pub token: String,
    pub tenant: String,
    pub read_only: bool,
    pub expires_at_ms: i64,
    /// The same time as RFC 3339 (UTC, milliseconds).
    pub expires_at: String,
}

/// What a checked token lets its bearer do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    pub tenant: String,
    pub read_only: bool,
    pub expires_at_ms: i64,
}

/// The key tenant tokens are signed with, derived from the operator's secret. Its `Debug`
/// shows nothing of it.
pub struct TokenKey {
    key: [u8; 32],
}

impl core::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("TokenKey(<redacted>)")
    }
}

impl Drop for TokenKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

fn invalid(reason: &'static str) -> Error {
    Error::InvalidToken { reason }
}

impl TokenKey {
    /// The key for the operator's `secret` (16 bytes or more).
    pub fn derive(secret: &[u8]) -> Result<TokenKey, Error> {
        if secret.len() < 16 {
            return Err(Error::InvalidSecret {
                reason: "the secret tenant tokens are derived from must be 16 bytes or more",
            });
        }
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(None, secret)
            .expand(KEY_INFO, &mut key)
            .map_err(|_| Error::InvalidSecret {
                reason: "cannot derive the token key",
            })?;
        Ok(TokenKey { key })
    }

    fn mac(&self) -> Result<Hmac<Sha256>, Error> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key).map_err(|_| Error::InvalidSecret {
            reason: "cannot key the token MAC",
        })
    }

    /// A token for `tenant`, issued at `now_ms`, with `nonce` (16 random bytes from the caller).
    pub fn issue(
        &self,
        tenant: &str,
        options: &IssueOptions,
        now_ms: i64,
        nonce: &[u8; 16],
    ) -> Result<Issued, Error> {
        if tenant.is_empty() || tenant.len() > MAX_TENANT_LEN {
            return Err(Error::InvalidArgument {
                reason: "tenant must be 1 to 128 bytes",
            });
        }
        let ttl = options.expires_in_ms.unwrap_or(DEFAULT_TTL_MS);
        if !(MIN_TTL_MS..=MAX_TTL_MS).contains(&ttl) {
            return Err(Error::InvalidParameter {
                name: "expiresInMs".into(),
                reason: "must be from 60000 (a minute) to 604800000 (seven days)",
            });
        }
        let expires_at_ms = i64::try_from(ttl)
            .ok()
            .and_then(|ttl| now_ms.checked_add(ttl))
            .ok_or(Error::InvalidArgument {
                reason: "now is out of range",
            })?;
        let expires_at = crate::envelope::rfc3339_ms(expires_at_ms)?;
        let claim = Claim {
            v: 1,
            tenant: tenant.to_owned(),
            read_only: options.read_only.unwrap_or(false),
            issued_at_ms: now_ms,
            expires_at_ms,
            nonce: URL_SAFE_NO_PAD.encode(nonce),
        };
        let json = serde_json::to_vec(&claim).map_err(|_| Error::InvalidArgument {
            reason: "the claim cannot be serialized",
        })?;
        let body = URL_SAFE_NO_PAD.encode(json);
        let mut mac = self.mac()?;
        mac.update(body.as_bytes());
        let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        Ok(Issued {
            token: [PREFIX, &body, ".", &tag].concat(),
            tenant: claim.tenant,
            read_only: claim.read_only,
            expires_at_ms,
            expires_at,
        })
    }

    /// Whether `token` lets its bearer do `access` for `tenant` at `now_ms`.
    pub fn check(
        &self,
        token: &str,
        tenant: &str,
        access: Access,
        now_ms: i64,
    ) -> Result<Grant, Error> {
        let claim = self.open(token)?;
        if now_ms >= claim.expires_at_ms {
            return Err(Error::TokenExpired);
        }
        if claim.tenant != tenant {
            return Err(Error::Forbidden {
                reason: "this token is for another tenant",
            });
        }
        match access {
            Access::Issue => Err(Error::Forbidden {
                reason: "only the operator's token issues tenant tokens",
            }),
            Access::Write if claim.read_only => Err(Error::Forbidden {
                reason: "this token is read-only",
            }),
            Access::Read | Access::Write => Ok(Grant {
                tenant: claim.tenant,
                read_only: claim.read_only,
                expires_at_ms: claim.expires_at_ms,
            }),
        }
    }

    /// The claim of a token whose tag matches; the tag is checked before the claim is read.
    fn open(&self, token: &str) -> Result<Claim, Error> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(invalid("too long"));
        }
        let rest = token
            .strip_prefix(PREFIX)
            .ok_or(invalid("not a tenant token"))?;
        let (body, tag) = rest.split_once('.').ok_or(invalid("malformed"))?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| invalid("malformed"))?;
        let mut mac = self.mac()?;
        mac.update(body.as_bytes());
        // NOTE: verify_slice compares in constant time (subtle), and refuses a tag of another length.
        mac.verify_slice(&tag)
            .map_err(|_| invalid("its signature does not match"))?;
        let json = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| invalid("malformed"))?;
        let claim: Claim = serde_json::from_slice(&json).map_err(|_| invalid("malformed"))?;
        if claim.v != 1 {
            return Err(invalid("of an unknown version"));
        }
        Ok(claim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"operator-token-0123456789";

    #[test]
    fn a_token_works_for_its_tenant_until_it_expires() {
        let key = TokenKey::derive(SECRET).unwrap();
        let issued = key
            .issue("acme", &IssueOptions::default(), 1_000, &[7; 16])
            .unwrap();
        assert_eq!(issued.expires_at_ms, 1_000 + 3_600_000);
        assert!(key
            .check(&issued.token, "acme", Access::Write, 2_000)
            .is_ok());
        let other = key.check(&issued.token, "other", Access::Read, 2_000);
        assert_eq!(other.unwrap_err().code(), "forbidden");
        let late = key.check(&issued.token, "acme", Access::Read, issued.expires_at_ms);
        assert_eq!(late.unwrap_err().code(), "token_expired");
        let issue = key.check(&issued.token, "acme", Access::Issue, 2_000);
        assert_eq!(issue.unwrap_err().code(), "forbidden");
    }

    #[test]
    fn a_changed_claim_or_another_key_is_refused() {
        let key = TokenKey::derive(SECRET).unwrap();
        let ro = IssueOptions {
            read_only: Some(true),
            ..IssueOptions::default()
        };
        let issued = key.issue("acme", &ro, 1_000, &[1; 16]).unwrap();
        let write = key.check(&issued.token, "acme", Access::Write, 2_000);
        assert_eq!(write.unwrap_err().code(), "forbidden");
        let other = TokenKey::derive(b"another-operator-secret").unwrap();
        let e = other.check(&issued.token, "acme", Access::Read, 2_000);
        assert_eq!(e.unwrap_err().code(), "invalid_token");
        // The claim re-encoded as read-write under the old tag.
        let (body, tag) = issued.token[PREFIX.len()..].split_once('.').unwrap();
        let claim = String::from_utf8(URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap();
        let forged =
            URL_SAFE_NO_PAD.encode(claim.replace("\"readOnly\":true", "\"readOnly\":false"));
        let e = key.check(
            &format!("{PREFIX}{forged}.{tag}"),
            "acme",
            Access::Write,
            2_000,
        );
        assert_eq!(e.unwrap_err().code(), "invalid_token");
        assert!(format!("{key:?}").contains("redacted"));
    }
}
