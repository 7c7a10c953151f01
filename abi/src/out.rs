//! What a call answers, written for the glue to read: a status byte (1 done, 0 an error) and
//! fields, each a field byte then, for fields below `NUMBERS`, a u32 length and UTF-8, and for
//! the others an f64. The glue turns an error's fields (code, reason, parameters) into a typed JS
//! error with its message and hint.

use alloc::vec::Vec;

use hookline::input::JsError;

// Text fields.
pub const SCHEME: u8 = 1;
pub const KEY_ID: u8 = 2;
pub const ID: u8 = 3;
pub const EVENT_TYPE: u8 = 4;
pub const DEDUPE_KEY: u8 = 5;
pub const NAMES: u8 = 6;
pub const SIGNATURE: u8 = 7;
pub const CODE: u8 = 8;
pub const REASON: u8 = 9;
pub const TEXT1: u8 = 10;
pub const DESCRIPTION: u8 = 11;
pub const TEXT2: u8 = 12;
/// verifyRequest: what to answer a provider's endpoint verification (`handshake.body`).
pub const HANDSHAKE: u8 = 13;
// Field bytes from 32 on carry an f64.
pub const KEY_INDEX: u8 = 32;
pub const TIMESTAMP: u8 = 33;
pub const BODY: u8 = 34;
pub const DEDUPE_EXPIRES: u8 = 35;
pub const HANDLE: u8 = 36;
pub const KEY_COUNT: u8 = 37;
pub const LIMIT: u8 = 38;
pub const KIND: u8 = 39;
pub const CAUSE: u8 = 40;
pub const RETHROW: u8 = 41;
pub const DEDUPE_LEASE: u8 = 44;
pub const NUMBER1: u8 = 45;
pub const NUMBER2: u8 = 46;

/// `BODY`: what the glue makes of the verified body.
pub const BODY_NONE: f64 = 0.0;
/// JSON.parse, or `undefined` when empty; a body that is not JSON is an error (`hl_not_json`).
pub const BODY_JSON: f64 = 1.0;
/// Parsed JSON when it is JSON, the text when it is other UTF-8, else `undefined`.
pub const BODY_VALUE: f64 = 2.0;

pub struct Out {
    pub bytes: Vec<u8>,
}

impl Out {
    pub fn start(&mut self, ok: bool) {
        self.bytes.clear();
        self.bytes.push(u8::from(ok));
    }

    pub fn text(&mut self, field: u8, text: &str) {
        self.bytes.push(field);
        self.bytes
            .extend_from_slice(&(text.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(text.as_bytes());
    }

    pub fn number(&mut self, field: u8, n: f64) {
        self.bytes.push(field);
        self.bytes.extend_from_slice(&n.to_le_bytes());
    }

    /// An error as its code, reason and parameters: the glue writes its message and hint from
    /// them (`pkg-template/lib/messages.js`).
    pub fn error(&mut self, e: &JsError) {
        self.start(false);
        self.number(KIND, e.kind);
        let d = e.described();
        self.text(CODE, d.code);
        if !d.reason.is_empty() {
            self.text(REASON, d.reason);
        }
        for (field, text) in [(TEXT1, d.texts[0]), (TEXT2, d.texts[1])] {
            if !text.is_empty() {
                self.text(field, text);
            }
        }
        for (field, n) in [(NUMBER1, d.numbers[0]), (NUMBER2, d.numbers[1])] {
            if let Some(n) = n {
                self.number(field, n as f64);
            }
        }
        if let Some(slot) = e.cause {
            self.number(CAUSE, f64::from(slot));
        }
        if let Some(slot) = e.rethrow {
            self.number(RETHROW, f64::from(slot));
        }
    }
}
