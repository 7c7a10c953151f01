//! hookline's receiver as a raw WebAssembly ABI, for `hookline/receiver`: the core without std,
//! the sender or wasm-bindgen, and no `core::fmt` (messages are written with `Error::message`),
//! so the module is small and compiles fast.
//!
//! The wasm imports nothing from JS but the platform HMAC for large bodies, so no JS code runs
//! inside a call and no caller's exception can unwind through wasm frames: the glue
//! (`pkg-template/lib/receiver.js`) reads the caller's values first, catching what they throw,
//! writes them into memory (the encoding `hookline::input` reads and converts), calls one export,
//! and reads the answer (`out.rs`).
//! A verification is two calls: `hl_begin` judges the options, the payload's size and kind
//! before any payload byte is copied, and hands out room for the bytes; `hl_end` verifies.
//!
//! Everything here converts; the core decides.
#![cfg_attr(target_arch = "wasm32", no_std)]
// Exports need `#[no_mangle]`, and the glue writes into memory this crate hands out.
#![allow(unsafe_code)]

#[cfg(target_arch = "wasm32")]
extern crate alloc;

#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
mod out;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();

/// A panic (none is reachable from input: the core denies panicking code) stops the instance
/// with a trap, without the formatting machinery a message would need.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
