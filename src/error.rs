//! One error type for the whole crate, each variant with a stable code.
//!
//! Messages are short, lowercase and never contain key material, signatures or payload bytes: they end
//! up in logs. The `code` strings are a public contract of the JS package; add new ones, never rename.

/// Everything that can go wrong, in receiving and in sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A header the scheme needs is absent (or empty).
    #[error("missing required header {header}")]
    MissingHeader { header: &'static str },
    /// A header is present but cannot be read: bad number, bad encoding, too long.
    #[error("invalid {header} header: {reason}")]
    InvalidHeader {
        header: &'static str,
        reason: &'static str,
    },
    /// The signed timestamp is further in the past than the tolerance allows.
    #[error("message timestamp too old: {age} s before now, tolerance {tolerance} s")]
    TimestampTooOld { age: u64, tolerance: u64 },
    /// The signed timestamp is further in the future than the tolerance allows.
    #[error("message timestamp too new: {ahead} s after now, tolerance {tolerance} s")]
    TimestampTooNew { ahead: u64, tolerance: u64 },
    /// The headers are well formed but no signature matches any key.
    #[error("no matching signature")]
    NoMatchingSignature,
    /// The secret or key given to the library cannot be used.
    #[error("invalid secret: {reason}")]
    InvalidSecret { reason: &'static str },
    /// The payload is not what the call needs (not raw bytes, not UTF-8 JSON, too large).
    #[error("invalid payload: {reason}")]
    InvalidPayload { reason: &'static str },
    /// An argument other than the payload, secret or headers is out of range or malformed.
    #[error("invalid argument: {reason}")]
    InvalidArgument { reason: &'static str },
}

impl Error {
    /// The stable, machine-readable code (`"timestamp_too_old"`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingHeader { .. } => "missing_header",
            Error::InvalidHeader { .. } => "invalid_header",
            Error::TimestampTooOld { .. } => "timestamp_too_old",
            Error::TimestampTooNew { .. } => "timestamp_too_new",
            Error::NoMatchingSignature => "no_matching_signature",
            Error::InvalidSecret { .. } => "invalid_secret",
            Error::InvalidPayload { .. } => "invalid_payload",
            Error::InvalidArgument { .. } => "invalid_argument",
        }
    }

    /// Whether this is a verdict on an incoming webhook (as opposed to a mistake in the caller's
    /// configuration or arguments). Receivers answer the former with 400/401 and alert on the latter.
    pub fn is_verification_failure(&self) -> bool {
        matches!(
            self,
            Error::MissingHeader { .. }
                | Error::InvalidHeader { .. }
                | Error::TimestampTooOld { .. }
                | Error::TimestampTooNew { .. }
                | Error::NoMatchingSignature
                | Error::InvalidPayload { .. }
        )
    }

    /// A sentence for the developer about the usual cause, where there is a usual cause.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::NoMatchingSignature => Some(
                "check that the secret belongs to this endpoint and that the payload is the raw \
                 request body, byte for byte, not re-serialized JSON",
            ),
            Error::TimestampTooOld { .. } | Error::TimestampTooNew { .. } => Some(
                "the sender's clock or a replayed request; check the server clock, or raise the \
                 tolerance if deliveries are queued",
            ),
            Error::MissingHeader { .. } => Some(
                "pass all request headers; frameworks may drop or rename them, and a proxy may \
                 strip them",
            ),
            _ => None,
        }
    }
}

/// The codes as constants, for callers that match on them.
pub struct ErrorCode;

impl ErrorCode {
    pub const MISSING_HEADER: &'static str = "missing_header";
    pub const INVALID_HEADER: &'static str = "invalid_header";
    pub const TIMESTAMP_TOO_OLD: &'static str = "timestamp_too_old";
    pub const TIMESTAMP_TOO_NEW: &'static str = "timestamp_too_new";
    pub const NO_MATCHING_SIGNATURE: &'static str = "no_matching_signature";
    pub const INVALID_SECRET: &'static str = "invalid_secret";
    pub const INVALID_PAYLOAD: &'static str = "invalid_payload";
    pub const INVALID_ARGUMENT: &'static str = "invalid_argument";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_constants() {
        let all = [
            (
                Error::MissingHeader { header: "x" },
                ErrorCode::MISSING_HEADER,
            ),
            (
                Error::InvalidHeader {
                    header: "x",
                    reason: "y",
                },
                ErrorCode::INVALID_HEADER,
            ),
            (
                Error::TimestampTooOld {
                    age: 1,
                    tolerance: 0,
                },
                ErrorCode::TIMESTAMP_TOO_OLD,
            ),
            (
                Error::TimestampTooNew {
                    ahead: 1,
                    tolerance: 0,
                },
                ErrorCode::TIMESTAMP_TOO_NEW,
            ),
            (Error::NoMatchingSignature, ErrorCode::NO_MATCHING_SIGNATURE),
            (
                Error::InvalidSecret { reason: "r" },
                ErrorCode::INVALID_SECRET,
            ),
            (
                Error::InvalidPayload { reason: "r" },
                ErrorCode::INVALID_PAYLOAD,
            ),
            (
                Error::InvalidArgument { reason: "r" },
                ErrorCode::INVALID_ARGUMENT,
            ),
        ];
        for (err, code) in all {
            assert_eq!(err.code(), code);
        }
    }
}
