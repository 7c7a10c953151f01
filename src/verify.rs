//! The receiver: headers and the raw body in, a verdict or a typed error out.
//!
//! Keys are prepared once when a [`Verifier`] is built (the HMAC pads are absorbed then), so a
//! long-lived verifier pays only for hashing the message on each call.

use crate::error::Error;
use crate::headers::HeaderSource;
use crate::scheme::{standard, HmacKey, Scheme};
use crate::secret::Secret;

/// How far a signed timestamp may be from `now`, either way, unless the caller says otherwise.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;
/// Most secrets one verifier holds (rotation keeps two or three alive).
pub const MAX_KEYS: usize = 64;
/// The largest tolerance accepted: about 30 years; beyond that it is a unit mistake (ms for s).
pub const MAX_TOLERANCE_SECS: u64 = 1_000_000_000;

/// Settings shared by every scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Seconds a timestamp may lie before or after `now`.
    pub tolerance_secs: u64,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
        }
    }
}

/// What a successful verification learned about the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub scheme: Scheme,
    /// The message id, where the scheme carries one.
    pub id: Option<String>,
    /// The signed timestamp in unix seconds, where the scheme carries one.
    pub timestamp: Option<i64>,
    /// Which of the verifier's secrets matched (0-based, in the order given): rotation telemetry.
    pub key_index: usize,
}

/// Reject a timestamp outside `now ± tolerance`. Equal to the bound is still accepted.
pub fn check_tolerance(timestamp: i64, now: i64, tolerance_secs: u64) -> Result<(), Error> {
    let diff = i128::from(now) - i128::from(timestamp);
    let tolerance = i128::from(tolerance_secs);
    if diff > tolerance {
        return Err(Error::TimestampTooOld {
            age: u64::try_from(diff).unwrap_or(u64::MAX),
            tolerance: tolerance_secs,
        });
    }
    if -diff > tolerance {
        return Err(Error::TimestampTooNew {
            ahead: u64::try_from(-diff).unwrap_or(u64::MAX),
            tolerance: tolerance_secs,
        });
    }
    Ok(())
}

/// A receiver for one scheme holding one or more secrets.
#[derive(Debug, Clone)]
pub struct Verifier {
    scheme: Scheme,
    keys: Vec<HmacKey>,
    options: VerifyOptions,
}

impl Verifier {
    /// Build a verifier; fails on no secrets, too many, or a tolerance that cannot be meant.
    pub fn new(scheme: Scheme, secrets: &[Secret], options: VerifyOptions) -> Result<Self, Error> {
        if secrets.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "at least one secret is required",
            });
        }
        if secrets.len() > MAX_KEYS {
            return Err(Error::InvalidSecret {
                reason: "more than 64 secrets",
            });
        }
        if options.tolerance_secs > MAX_TOLERANCE_SECS {
            return Err(Error::InvalidArgument {
                reason: "tolerance is in seconds and must be at most 1e9",
            });
        }
        let keys = secrets
            .iter()
            .map(HmacKey::new)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Verifier {
            scheme,
            keys,
            options,
        })
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    pub fn options(&self) -> VerifyOptions {
        self.options
    }

    /// Check a delivery. `payload` is the raw body exactly as received; `now` is unix seconds.
    ///
    /// The checks run in the order of the Standard Webhooks libraries (headers, timestamp window,
    /// signature) so the same request fails with the same code here and there.
    pub fn verify(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        now: i64,
    ) -> Result<Verified, Error> {
        match self.scheme {
            Scheme::StandardWebhooks => self.verify_standard(headers, payload, now),
        }
    }

    fn verify_standard(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        now: i64,
    ) -> Result<Verified, Error> {
        let h = standard::read_headers(headers)?;
        check_tolerance(h.timestamp, now, self.options.tolerance_secs)?;
        let entries = standard::signature_entries(&h.signature)?;
        for (key_index, key) in self.keys.iter().enumerate() {
            let expected = standard::tag(key, &h.id, h.timestamp, payload);
            let matched = entries.iter().any(|(version, sig)| {
                *version == standard::VERSION_V1 && standard::v1_matches(&expected, sig)
            });
            if matched {
                return Ok(Verified {
                    scheme: Scheme::StandardWebhooks,
                    id: Some(h.id.into_owned()),
                    timestamp: Some(h.timestamp),
                    key_index,
                });
            }
        }
        Err(Error::NoMatchingSignature)
    }

    /// Sign with every secret and join the signatures with spaces (one secret gives the usual
    /// single `v1,<base64>`; several let receivers on old and new secrets both accept it).
    pub fn sign(&self, id: &str, timestamp: i64, payload: &[u8]) -> Result<String, Error> {
        if id.is_empty() {
            return Err(Error::InvalidArgument {
                reason: "message id is empty",
            });
        }
        if timestamp < 0 {
            return Err(Error::InvalidArgument {
                reason: "timestamp is before 1970",
            });
        }
        let mut out = String::new();
        for key in &self.keys {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&standard::sign(key, id, timestamp, payload));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_edges_are_inclusive() {
        assert!(check_tolerance(1000, 1300, 300).is_ok());
        assert!(check_tolerance(1300, 1000, 300).is_ok());
        assert_eq!(
            check_tolerance(999, 1300, 300),
            Err(Error::TimestampTooOld {
                age: 301,
                tolerance: 300
            })
        );
        assert_eq!(
            check_tolerance(1301, 1000, 300),
            Err(Error::TimestampTooNew {
                ahead: 301,
                tolerance: 300
            })
        );
        assert!(check_tolerance(i64::MAX, i64::MIN, u64::MAX).is_ok());
        assert!(check_tolerance(i64::MIN, i64::MAX, 0).is_err());
    }
}
