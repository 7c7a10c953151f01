//! One error type for the whole crate, each variant with a stable code.
//!
//! The core says what went wrong as a code, a reason and a few parameters ([`Error::describe`]);
//! the messages and hints people read are written from those in one JS table
//! (`pkg-template/lib/messages.js`), the same in every runtime, so the receiver's wasm carries no
//! text. A receiver's reasons are keys of that table (`"secret_empty"`); the sender's are still
//! short sentences, which the table shows as they are. Nothing here ever holds key material,
//! signatures or payload bytes. The `code` strings are a public contract of the JS package; add
//! new ones, never rename.

#[allow(unused_imports)]
use crate::prelude::*;
/// Everything that can go wrong, in receiving and in sending.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A header the scheme needs is absent (or empty). `found` names the scheme whose headers the
    /// request does carry, when it carries another's.
    MissingHeader {
        header: Cow<'static, str>,
        found: Option<&'static str>,
    },
    /// A header is present but cannot be read: bad number, bad encoding, too long.
    InvalidHeader {
        header: Cow<'static, str>,
        reason: &'static str,
    },
    /// No known scheme's signature header is present (auto-detection).
    UnknownScheme,
    /// Signature headers of two schemes are present (auto-detection); pass `scheme` to choose.
    AmbiguousScheme {
        first: &'static str,
        second: &'static str,
    },
    /// The signed timestamp is further in the past than the tolerance allows.
    TimestampTooOld { age: u64, tolerance: u64 },
    /// The signed timestamp is further in the future than the tolerance allows.
    TimestampTooNew { ahead: u64, tolerance: u64 },
    /// The headers are well formed but no signature matches any key.
    NoMatchingSignature,
    /// The secret or key given to the library cannot be used.
    InvalidSecret { reason: &'static str },
    /// The payload is not what the call needs (not raw bytes, not UTF-8 JSON, too large).
    InvalidPayload { reason: &'static str },
    /// An argument other than the payload, secret or headers is out of range or malformed.
    InvalidArgument { reason: &'static str },
    /// An event type that is not dot-separated `[A-Za-z0-9_-]` segments within the length limit.
    InvalidEventType { reason: &'static str },
    /// A serialized payload over the configured limit.
    PayloadTooLarge { size: usize, limit: usize },
    /// A retry, health or matching policy that cannot be applied.
    InvalidPolicy { reason: &'static str },
    /// A delivery target URL that cannot be read.
    InvalidUrl { reason: &'static str },
    /// A delivery target refused by the SSRF guard.
    TargetNotAllowed { reason: &'static str },
    /// Auto-detection found a scheme without a signed timestamp (GitHub, Shopify, a custom layout
    /// without one) over a body that is a timestamped scheme's signed content: another scheme's
    /// request re-framed so that its signature verifies without its timestamp. Refused unless
    /// the scheme is named.
    SchemeDowngrade { scheme: &'static str },
    /// More ed25519 signatures than a rotation needs: each costs a check per ed25519 key.
    TooManySignatures { signatures: usize, limit: usize },
    /// A verified delivery whose dedupe key the receiver's store already held: seen before.
    Duplicate { key: String },
    /// A verified delivery another request is handling now (the store holds its claim, not yet
    /// completed or released): the sender should try again later.
    InProgress { key: String },
    /// The receiver's dedupe store did not answer whether the delivery was seen before.
    DedupeUnavailable { reason: &'static str },
    /// An ed25519 key was given to a build without ed25519 (the package's HMAC receiver module):
    /// its loader answers by handing the call to the module that has it.
    Ed25519Unavailable,
    /// A scheme of the receiver's providers build (SHA-1, ECDSA P-256) was named to a build
    /// without it: its loader answers by handing the call to the module that has it.
    SchemeUnavailable,
    /// A value of a named parameter (a query parameter, a request field) that is not one the
    /// call takes; `name` is the caller's own text, shortened and made printable.
    #[cfg(feature = "sender")]
    InvalidParameter { name: String, reason: &'static str },
    /// A bearer token that is not a tenant token of this operator's.
    #[cfg(feature = "sender")]
    InvalidToken { reason: &'static str },
    /// A tenant token past its expiry.
    #[cfg(feature = "sender")]
    TokenExpired,
    /// A valid token that does not allow this request (another tenant's, read-only, ...).
    #[cfg(feature = "sender")]
    Forbidden { reason: &'static str },
    /// A delivery that already ended (delivered or failed) cannot be cancelled.
    #[cfg(feature = "sender")]
    DeliveryEnded { state: &'static str },
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
            Error::UnknownScheme => "unknown_scheme",
            Error::AmbiguousScheme { .. } => "ambiguous_scheme",
            Error::InvalidSecret { .. } => "invalid_secret",
            Error::InvalidPayload { .. } => "invalid_payload",
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::InvalidEventType { .. } => "invalid_event_type",
            Error::PayloadTooLarge { .. } => "payload_too_large",
            Error::InvalidPolicy { .. } => "invalid_policy",
            Error::InvalidUrl { .. } => "invalid_url",
            Error::TargetNotAllowed { .. } => "target_not_allowed",
            Error::TooManySignatures { .. } => "too_many_signatures",
            Error::SchemeDowngrade { .. } => "scheme_downgrade",
            Error::Duplicate { .. } => "duplicate",
            Error::InProgress { .. } => "in_progress",
            Error::DedupeUnavailable { .. } => "dedupe_unavailable",
            Error::Ed25519Unavailable => "ed25519_unavailable",
            Error::SchemeUnavailable => "scheme_unavailable",
            #[cfg(feature = "sender")]
            Error::InvalidParameter { .. } => "invalid_argument",
            #[cfg(feature = "sender")]
            Error::InvalidToken { .. } => "invalid_token",
            #[cfg(feature = "sender")]
            Error::TokenExpired => "token_expired",
            #[cfg(feature = "sender")]
            Error::Forbidden { .. } => "forbidden",
            #[cfg(feature = "sender")]
            Error::DeliveryEnded { .. } => "delivery_ended",
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
                | Error::UnknownScheme
                | Error::AmbiguousScheme { .. }
                | Error::InvalidPayload { .. }
                | Error::TooManySignatures { .. }
                | Error::SchemeDowngrade { .. }
        )
    }
}

/// What JS needs to write an error's message and hint: the code, the reason (a key of the
/// message table, or a sender's sentence; empty for the codes without one), and the texts and
/// numbers the code's message names (see `pkg-template/lib/messages.js`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Described<'a> {
    pub code: &'static str,
    pub reason: &'a str,
    pub texts: [&'a str; 2],
    pub numbers: [Option<u64>; 2],
}

impl Error {
    /// The error as its code, reason and parameters.
    pub fn describe(&self) -> Described<'_> {
        let code = self.code();
        let with = |reason: &'static str| Described {
            code,
            reason,
            texts: ["", ""],
            numbers: [None, None],
        };
        match self {
            Error::MissingHeader { header, found } => Described {
                code,
                reason: "",
                texts: [header, found.unwrap_or("")],
                numbers: [None, None],
            },
            Error::InvalidHeader { header, reason } => Described {
                code,
                reason,
                texts: [header, ""],
                numbers: [None, None],
            },
            Error::AmbiguousScheme { first, second } => Described {
                code,
                reason: "",
                texts: [first, second],
                numbers: [None, None],
            },
            Error::TimestampTooOld {
                age: n,
                tolerance: t,
            }
            | Error::TimestampTooNew {
                ahead: n,
                tolerance: t,
            } => Described {
                code,
                reason: "",
                texts: ["", ""],
                numbers: [Some(*n), Some(*t)],
            },
            Error::PayloadTooLarge { size, limit } => Described {
                code,
                reason: "",
                texts: ["", ""],
                numbers: [Some(*size as u64), Some(*limit as u64)],
            },
            Error::TooManySignatures { signatures, limit } => Described {
                code,
                reason: "",
                texts: ["", ""],
                numbers: [Some(*signatures as u64), Some(*limit as u64)],
            },
            Error::SchemeDowngrade { scheme } => Described {
                code,
                reason: "",
                texts: [scheme, ""],
                numbers: [None, None],
            },
            Error::Duplicate { key } | Error::InProgress { key } => Described {
                code,
                reason: "",
                texts: [key, ""],
                numbers: [None, None],
            },
            Error::InvalidSecret { reason }
            | Error::InvalidPayload { reason }
            | Error::InvalidArgument { reason }
            | Error::InvalidEventType { reason }
            | Error::InvalidPolicy { reason }
            | Error::InvalidUrl { reason }
            | Error::TargetNotAllowed { reason }
            | Error::DedupeUnavailable { reason } => with(reason),
            Error::UnknownScheme
            | Error::NoMatchingSignature
            | Error::Ed25519Unavailable
            | Error::SchemeUnavailable => with(""),
            #[cfg(feature = "sender")]
            Error::InvalidParameter { name, reason } => Described {
                code,
                reason,
                texts: [name.as_str(), ""],
                numbers: [None, None],
            },
            #[cfg(feature = "sender")]
            Error::InvalidToken { reason } | Error::Forbidden { reason } => with(reason),
            #[cfg(feature = "sender")]
            Error::TokenExpired => with(""),
            #[cfg(feature = "sender")]
            Error::DeliveryEnded { state } => Described {
                code,
                reason: "",
                texts: [state, ""],
                numbers: [None, None],
            },
        }
    }
}

/// The code in words, then the reason and the parameters (`invalid policy: schedule is empty`):
/// for Rust callers, logs and the sender's records, which quote an error this way. People read
/// the JS table's messages (the same shape where a code has no message of its own).
impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let d = self.describe();
        for (i, word) in d.code.split('_').enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(word)?;
        }
        let mut sep = ": ";
        for part in [d.reason, d.texts[0], d.texts[1]] {
            if !part.is_empty() {
                write!(f, "{sep}{part}")?;
                sep = ", ";
            }
        }
        for n in d.numbers.iter().flatten() {
            write!(f, "{sep}{n}")?;
            sep = ", ";
        }
        Ok(())
    }
}

impl core::error::Error for Error {}

/// The codes as constants, for callers that match on them.
pub struct ErrorCode;

impl ErrorCode {
    pub const MISSING_HEADER: &'static str = "missing_header";
    pub const INVALID_HEADER: &'static str = "invalid_header";
    pub const TIMESTAMP_TOO_OLD: &'static str = "timestamp_too_old";
    pub const TIMESTAMP_TOO_NEW: &'static str = "timestamp_too_new";
    pub const NO_MATCHING_SIGNATURE: &'static str = "no_matching_signature";
    pub const UNKNOWN_SCHEME: &'static str = "unknown_scheme";
    pub const AMBIGUOUS_SCHEME: &'static str = "ambiguous_scheme";
    pub const INVALID_SECRET: &'static str = "invalid_secret";
    pub const INVALID_PAYLOAD: &'static str = "invalid_payload";
    pub const INVALID_ARGUMENT: &'static str = "invalid_argument";
    pub const INVALID_EVENT_TYPE: &'static str = "invalid_event_type";
    pub const PAYLOAD_TOO_LARGE: &'static str = "payload_too_large";
    pub const INVALID_POLICY: &'static str = "invalid_policy";
    pub const INVALID_URL: &'static str = "invalid_url";
    pub const TARGET_NOT_ALLOWED: &'static str = "target_not_allowed";
    pub const TOO_MANY_SIGNATURES: &'static str = "too_many_signatures";
    pub const SCHEME_DOWNGRADE: &'static str = "scheme_downgrade";
    pub const DUPLICATE: &'static str = "duplicate";
    pub const IN_PROGRESS: &'static str = "in_progress";
    pub const DEDUPE_UNAVAILABLE: &'static str = "dedupe_unavailable";
    pub const ED25519_UNAVAILABLE: &'static str = "ed25519_unavailable";
    pub const SCHEME_UNAVAILABLE: &'static str = "scheme_unavailable";
    pub const INVALID_TOKEN: &'static str = "invalid_token";
    pub const TOKEN_EXPIRED: &'static str = "token_expired";
    pub const FORBIDDEN: &'static str = "forbidden";
    pub const DELIVERY_ENDED: &'static str = "delivery_ended";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_with_its_parameters() {
        let e = Error::TimestampTooOld {
            age: 94_672_800,
            tolerance: 300,
        };
        assert_eq!(e.describe().numbers, [Some(94_672_800), Some(300)]);
        assert_eq!(e.to_string(), "timestamp too old: 94672800, 300");
        let m = Error::MissingHeader {
            header: "x-hub-signature-256".into(),
            found: Some("stripe"),
        };
        assert_eq!(m.describe().texts, ["x-hub-signature-256", "stripe"]);
        assert_eq!(
            Error::InvalidSecret {
                reason: "secret_empty"
            }
            .to_string(),
            "invalid secret: secret_empty"
        );
        assert_eq!(
            Error::TargetNotAllowed {
                reason: "loopback address"
            }
            .to_string(),
            "target not allowed: loopback address"
        );
    }

    #[test]
    fn codes_match_constants() {
        let all = [
            (
                Error::MissingHeader {
                    header: "x".into(),
                    found: None,
                },
                ErrorCode::MISSING_HEADER,
            ),
            (
                Error::InvalidHeader {
                    header: "x".into(),
                    reason: "y",
                },
                ErrorCode::INVALID_HEADER,
            ),
            (Error::UnknownScheme, ErrorCode::UNKNOWN_SCHEME),
            (
                Error::AmbiguousScheme {
                    first: "a",
                    second: "b",
                },
                ErrorCode::AMBIGUOUS_SCHEME,
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
            (
                Error::InvalidEventType { reason: "r" },
                ErrorCode::INVALID_EVENT_TYPE,
            ),
            (
                Error::PayloadTooLarge { size: 2, limit: 1 },
                ErrorCode::PAYLOAD_TOO_LARGE,
            ),
            (
                Error::InvalidPolicy { reason: "r" },
                ErrorCode::INVALID_POLICY,
            ),
            (Error::InvalidUrl { reason: "r" }, ErrorCode::INVALID_URL),
            (
                Error::TargetNotAllowed { reason: "r" },
                ErrorCode::TARGET_NOT_ALLOWED,
            ),
            (
                Error::TooManySignatures {
                    signatures: 3,
                    limit: 2,
                },
                ErrorCode::TOO_MANY_SIGNATURES,
            ),
            (
                Error::SchemeDowngrade { scheme: "github" },
                ErrorCode::SCHEME_DOWNGRADE,
            ),
            (Error::Duplicate { key: "k".into() }, ErrorCode::DUPLICATE),
            (
                Error::InProgress { key: "k".into() },
                ErrorCode::IN_PROGRESS,
            ),
            (
                Error::DedupeUnavailable { reason: "r" },
                ErrorCode::DEDUPE_UNAVAILABLE,
            ),
            (Error::Ed25519Unavailable, ErrorCode::ED25519_UNAVAILABLE),
            (Error::SchemeUnavailable, ErrorCode::SCHEME_UNAVAILABLE),
        ];
        for (err, code) in all {
            assert_eq!(err.code(), code);
        }
    }
}
