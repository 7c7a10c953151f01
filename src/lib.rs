//! hookline: webhook signing, verification and delivery decisions.
//!
//! The crate is a sans-IO core: it never reads a clock, a random source or the network. Callers pass
//! `now` and random bytes in and get verdicts and plans back. The JavaScript package is built from the
//! same crate; only [`wasm`] (compiled for `wasm32` alone) knows about wasm-bindgen.
//!
//! Module map:
//! - [`secret`]: parse, generate and redact signing secrets.
//! - [`headers`]: case-insensitive header lookup over whatever the caller holds.
//! - [`scheme`]: one module per signature scheme, and what they share ([`scheme::keys`]: keys,
//!   results, the tolerance check).
//! - [`verify`]: the receiver: headers and raw body in, verdict or typed error out.
//! - [`sign`]: the signer: a payload in, the headers to send out.
//! - [`error`]: the error enum with stable codes.
//! - [`envelope`]: event ids, types, envelopes and their stable serialization (sender).
//! - [`matching`]: which subscriptions get an event (sender).
//! - [`retry`]: schedules, jitter, outcome classification, Retry-After (sender).
//! - [`ssrf`]: whether a delivery target is allowed (sender).
//! - [`health`]: endpoint health and circuit breaker as serializable state (sender).
//! - [`delivery`]: one attempt's decision and its effect on the endpoint's health (sender).
//! - [`lifecycle`]: an endpoint's one state, what its owner's changes do to it, and the
//!   operational events of its changes (sender).
//! - [`trace`]: W3C `traceparent`: the publisher's, and a new span per attempt (sender).
//! - [`readiness`]: whether a sender is ready, from the facts a health check gathers (sender).
//! - [`support`]: the delivery log's filters, cancelling a delivery, recovering an endpoint (sender).
//! - [`token`]: tenant-scoped, expiring tokens for the management API (sender).
//! - [`throttle`]: per-endpoint rate limits as a token bucket in serializable state (sender).
//! - [`ordering`]: FIFO delivery per endpoint or ordering key; when a failing head is given up
//!   (sender).
//! - [`dedupe`]: the key and lifetime under which a receiver remembers a verified delivery.
//! - [`json`]: what a receiver reads of a JSON body (Linear's timestamp, a handshake's members),
//!   without serde.
//! - [`handshake`]: the providers' endpoint verifications (Slack, Zoom, Discord) and their answers.
//! - [`input`]: the caller's JS values as the glue encodes them, converted into the core's types:
//!   the one converter both bindings (`abi/` and [`wasm`]) use.
//!
//! Features: `sender` (default) holds the sender's modules and turns on `ed25519`, `providers`
//! and `std`; `bindgen` (default) the wasm-bindgen binding; `providers` the schemes that need more
//! than HMAC-SHA256 (Twilio, Vercel and Intercom's SHA-1, SendGrid's ECDSA P-256: the receiver's
//! third build). Without them the crate is the HMAC receiver alone, `no_std` + alloc: the
//! package's small receiver wasm is built from it by `abi/`.

// Without std (the receiver's wasm) the core needs only alloc.
#![cfg_attr(not(any(feature = "std", test)), no_std)]
// Attacker-controlled input flows through the core: no panicking index, no unchecked
// arithmetic, no unwrap/expect outside tests (a panic in wasm aborts the whole instance).
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

extern crate alloc;

pub mod dedupe;
#[cfg(feature = "sender")]
pub mod delivery;
#[cfg(feature = "sender")]
pub mod envelope;
pub mod error;
pub mod handshake;
pub mod headers;
#[cfg(feature = "sender")]
pub mod health;
#[cfg(feature = "sender")]
pub mod id;
pub mod input;
pub mod json;
#[cfg(feature = "sender")]
pub mod lifecycle;
#[cfg(feature = "sender")]
pub mod matching;
#[cfg(feature = "sender")]
pub mod ordering;
#[cfg(feature = "sender")]
pub mod readiness;
#[cfg(feature = "sender")]
pub mod retry;
pub mod scheme;
pub mod secret;
pub mod sign;
#[cfg(feature = "sender")]
pub mod ssrf;
#[cfg(feature = "sender")]
pub mod support;
#[cfg(feature = "sender")]
pub mod throttle;
#[cfg(feature = "sender")]
pub mod token;
#[cfg(feature = "sender")]
pub mod trace;
pub mod verify;

#[cfg(all(target_arch = "wasm32", feature = "bindgen"))]
pub mod wasm;

/// What the receiver's modules use from alloc, imported explicitly so they build without std.
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub(crate) use alloc::borrow::{Cow, ToOwned};
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

pub use error::{Error, ErrorCode};
pub use headers::HeaderSource;
pub use scheme::keys::{KeyInput, Verified};
pub use secret::Secret;
pub use sign::Signer;
pub use verify::{SchemeVerifier, Verifier, VerifyOptions};
