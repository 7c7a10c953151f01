//! One error type for the whole crate, each variant with a stable code.
//!
//! Messages are short, lowercase and never contain key material, signatures or payload bytes: they end
//! up in logs. The `code` strings are a public contract of the JS package; add new ones, never rename.

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
    /// More ed25519 checks than a request may cost (its signatures times the receiver's keys).
    TooManySignatures { checks: usize, limit: usize },
    /// A verified delivery whose dedupe key the receiver's store already held: seen before.
    Duplicate { key: String },
    /// The receiver's dedupe store did not answer whether the delivery was seen before.
    DedupeUnavailable { reason: &'static str },
    /// An ed25519 key was given to a build without ed25519 (the package's HMAC receiver module):
    /// its loader answers by handing the call to the module that has it.
    Ed25519Unavailable,
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
            Error::DedupeUnavailable { .. } => "dedupe_unavailable",
            Error::Ed25519Unavailable => "ed25519_unavailable",
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
            Error::UnknownScheme => Some(
                "pass all request headers, or name the scheme; custom header names need a custom \
                 scheme configuration",
            ),
            Error::MissingHeader { found: Some(_), .. } => Some(
                "the request was signed under another scheme than the one configured; omit \
                 scheme to detect it from the headers",
            ),
            Error::MissingHeader { .. } => Some(
                "pass all request headers; frameworks may drop or rename them, and a proxy may \
                 strip them",
            ),
            Error::SchemeDowngrade { .. } => Some(
                "name the scheme (scheme: \"github\") if this sender really signs bodies that begin \
                 like v0:<ts>: or <ts>.; otherwise this is a replay of a timestamped request",
            ),
            Error::Duplicate { .. } => Some(
                "the sender sent it again (a retry, or a replay): answer 2xx so it stops, and do \
                 not process it a second time",
            ),
            Error::DedupeUnavailable { .. } => Some(
                "the dedupe store failed or answered neither true nor false: answer 5xx so the \
                 sender retries later",
            ),
            _ => None,
        }
    }
}

/// A day or more of seconds also in the largest whole unit it holds, " (3 years)": a replayed
/// request's age reads as years, not as a nine-digit count. Nothing under a day.
fn push_long(out: &mut String, secs: u64) {
    const UNITS: [(u64, &str); 2] = [(31_557_600, "year"), (86_400, "day")];
    let Some((n, unit)) = UNITS
        .iter()
        .find_map(|&(size, unit)| Some((secs.checked_div(size)?, unit)).filter(|&(n, _)| n > 0))
    else {
        return;
    };
    push_all(out, &[" (", itoa::Buffer::new().format(n), " ", unit]);
    if n != 1 {
        out.push('s');
    }
    out.push(')');
}

fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

impl Error {
    /// The message, written without `core::fmt` (the receiver's wasm carries no formatting
    /// machinery): the text `Display` shows.
    pub fn message(&self) -> String {
        let mut out = String::new();
        let mut n1 = itoa::Buffer::new();
        let mut n2 = itoa::Buffer::new();
        let o = &mut out;
        match self {
            Error::MissingHeader { header, found } => {
                push_all(o, &["missing required header ", header]);
                if let Some(s) = found {
                    push_all(
                        o,
                        &[" (the request carries ", s, " headers: pass scheme \"", s, "\" or omit scheme)"],
                    );
                }
            }
            Error::InvalidHeader { header, reason } => {
                push_all(o, &["invalid ", header, " header: ", reason])
            }
            Error::UnknownScheme => o.push_str("no webhook signature header of a known scheme found"),
            Error::AmbiguousScheme { first, second } => push_all(
                o,
                &["signature headers of both ", first, " and ", second, " found: pass scheme to choose"],
            ),
            Error::TimestampTooOld { age, tolerance } => {
                push_all(o, &["message timestamp too old: ", n1.format(*age), " s"]);
                push_long(o, *age);
                push_all(o, &[" before now, tolerance ", n2.format(*tolerance), " s"]);
            }
            Error::TimestampTooNew { ahead, tolerance } => {
                push_all(o, &["message timestamp too new: ", n1.format(*ahead), " s"]);
                push_long(o, *ahead);
                push_all(o, &[" after now, tolerance ", n2.format(*tolerance), " s"]);
            }
            Error::NoMatchingSignature => o.push_str("no matching signature"),
            Error::InvalidSecret { reason } => push_all(o, &["invalid secret: ", reason]),
            Error::InvalidPayload { reason } => push_all(o, &["invalid payload: ", reason]),
            Error::InvalidArgument { reason } => push_all(o, &["invalid argument: ", reason]),
            Error::InvalidEventType { reason } => push_all(o, &["invalid event type: ", reason]),
            Error::PayloadTooLarge { size, limit } => push_all(
                o,
                &["payload too large: ", n1.format(*size), " bytes, limit ", n2.format(*limit)],
            ),
            Error::InvalidPolicy { reason } => push_all(o, &["invalid policy: ", reason]),
            Error::InvalidUrl { reason } => push_all(o, &["invalid url: ", reason]),
            Error::TargetNotAllowed { reason } => push_all(o, &["target not allowed: ", reason]),
            Error::SchemeDowngrade { scheme } => push_all(
                o,
                &["scheme downgrade: a ", scheme, " signature over another scheme's signed content (a replay re-framed without its timestamp)"],
            ),
            Error::TooManySignatures { checks, limit } => push_all(
                o,
                &["too many signatures: ", n1.format(*checks), " ed25519 checks (signatures x keys), at most ", n2.format(*limit)],
            ),
            Error::Duplicate { key } => push_all(o, &["duplicate delivery: ", key, " was already accepted"]),
            Error::DedupeUnavailable { reason } => push_all(o, &["dedupe store unavailable: ", reason]),
            Error::Ed25519Unavailable => o.push_str("ed25519 is not in this build"),
            #[cfg(feature = "sender")]
            Error::InvalidParameter { name, reason } => {
                push_all(o, &["invalid argument: ", name, " ", reason])
            }
            #[cfg(feature = "sender")]
            Error::InvalidToken { reason } => push_all(o, &["invalid token: ", reason]),
            #[cfg(feature = "sender")]
            Error::TokenExpired => o.push_str("the token has expired"),
            #[cfg(feature = "sender")]
            Error::Forbidden { reason } => push_all(o, &["forbidden: ", reason]),
            #[cfg(feature = "sender")]
            Error::DeliveryEnded { state } => push_all(
                o,
                &["the delivery has ended (", state, "): only a pending delivery can be cancelled"],
            ),
        }
        out
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message())
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
    pub const DEDUPE_UNAVAILABLE: &'static str = "dedupe_unavailable";
    pub const ED25519_UNAVAILABLE: &'static str = "ed25519_unavailable";
    pub const INVALID_TOKEN: &'static str = "invalid_token";
    pub const TOKEN_EXPIRED: &'static str = "token_expired";
    pub const FORBIDDEN: &'static str = "forbidden";
    pub const DELIVERY_ENDED: &'static str = "delivery_ended";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ages_read_in_years_or_days() {
        let old = |age| {
            Error::TimestampTooOld {
                age,
                tolerance: 300,
            }
            .to_string()
        };
        assert_eq!(
            old(301),
            "message timestamp too old: 301 s before now, tolerance 300 s"
        );
        assert_eq!(
            old(86_399),
            "message timestamp too old: 86399 s before now, tolerance 300 s"
        );
        assert_eq!(
            old(86_400),
            "message timestamp too old: 86400 s (1 day) before now, tolerance 300 s"
        );
        assert_eq!(
            old(94_672_800),
            "message timestamp too old: 94672800 s (3 years) before now, tolerance 300 s"
        );
        let new = Error::TimestampTooNew {
            ahead: 2 * 31_557_600,
            tolerance: 300,
        }
        .to_string();
        assert_eq!(
            new,
            "message timestamp too new: 63115200 s (2 years) after now, tolerance 300 s"
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
                    checks: 65,
                    limit: 64,
                },
                ErrorCode::TOO_MANY_SIGNATURES,
            ),
            (
                Error::SchemeDowngrade { scheme: "github" },
                ErrorCode::SCHEME_DOWNGRADE,
            ),
            (Error::Duplicate { key: "k".into() }, ErrorCode::DUPLICATE),
            (
                Error::DedupeUnavailable { reason: "r" },
                ErrorCode::DEDUPE_UNAVAILABLE,
            ),
            (Error::Ed25519Unavailable, ErrorCode::ED25519_UNAVAILABLE),
        ];
        for (err, code) in all {
            assert_eq!(err.code(), code);
        }
    }
}
