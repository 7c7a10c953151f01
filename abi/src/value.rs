//! The caller's JS values as the glue (`pkg-template/lib/receiver.js`) hands them over: a small
//! tag-length-value encoding, read here without copying. The glue reads the caller's objects
//! (catching what their getters and Proxy traps throw) and writes what it found; every decision
//! about those values is made in `convert.rs`.
//!
//! Encoding, little-endian: one tag byte, then
//! - `UNDEFINED`, `NULL`, `FALSE`, `TRUE`, `DETACHED`, `NOT_ARRAY`, `OTHER`: nothing;
//! - `NUMBER`, `DATE`: an f64 (a Date's time in ms, NaN when it is not a Date);
//! - `STRING`, `BYTES`: a u32 length and the UTF-8 or the bytes;
//! - `STRING_SIZE`, `BYTES_SIZE`: a u32 length (a payload whose bytes come separately);
//! - `THREW`, `LIST_THREW`, `FUNCTION`: a u32 slot (the glue keeps the thrown value or the
//!   function); `LIST_THREW` is a list whose items could not be read, `THREW` any other read;
//! - `ARRAY`: a u32 count and the items; `OBJECT`: a u32 count and (string key, value) pairs.

use alloc::vec::Vec;

pub const UNDEFINED: u8 = 0;
pub const NULL: u8 = 1;
pub const FALSE: u8 = 2;
pub const TRUE: u8 = 3;
pub const NUMBER: u8 = 4;
pub const STRING: u8 = 5;
pub const BYTES: u8 = 6;
pub const DETACHED: u8 = 7;
pub const THREW: u8 = 8;
pub const DATE: u8 = 9;
pub const ARRAY: u8 = 10;
pub const OBJECT: u8 = 11;
pub const FUNCTION: u8 = 12;
pub const OTHER: u8 = 13;
pub const NOT_ARRAY: u8 = 14;
pub const STRING_SIZE: u8 = 15;
pub const BYTES_SIZE: u8 = 16;
pub const LIST_THREW: u8 = 17;

/// Nesting the glue never writes deeper than (options > list > key object > key).
const MAX_DEPTH: usize = 6;

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    Str(&'a str),
    Bytes(&'a [u8]),
    Detached,
    Threw(u32),
    ListThrew(u32),
    Date(f64),
    Array(Vec<Value<'a>>),
    NotArray,
    Object(Vec<(&'a str, Value<'a>)>),
    Function(u32),
    /// A symbol, a bigint or anything else the options never take.
    Other,
    StrSize(u32),
    BytesSize(u32),
}

impl<'a> Value<'a> {
    /// A member of an object (undefined when absent or when this is not an object).
    pub fn get(&self, key: &str) -> &Value<'a> {
        match self {
            Value::Object(entries) => entries
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(&Value::Undefined, |(_, v)| v),
            _ => &Value::Undefined,
        }
    }

    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    /// JS truthiness for what a flag may be.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null | Value::Bool(false) => false,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            _ => true,
        }
    }
}

/// Reads values off the input buffer; `None` for a malformed buffer (a glue bug, never input).
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        core::str::from_utf8(self.take(n)?).ok()
    }

    pub fn value(&mut self) -> Option<Value<'a>> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> Option<Value<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match self.u8()? {
            UNDEFINED => Value::Undefined,
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            NUMBER => Value::Number(self.f64()?),
            STRING => Value::Str(self.str()?),
            BYTES => {
                let n = self.u32()? as usize;
                Value::Bytes(self.take(n)?)
            }
            DETACHED => Value::Detached,
            THREW => Value::Threw(self.u32()?),
            LIST_THREW => Value::ListThrew(self.u32()?),
            DATE => Value::Date(self.f64()?),
            ARRAY => {
                let n = self.u32()? as usize;
                let mut items = Vec::with_capacity(n.min(self.bytes.len()));
                for _ in 0..n {
                    items.push(self.value_at(depth.saturating_add(1))?);
                }
                Value::Array(items)
            }
            OBJECT => {
                let n = self.u32()? as usize;
                let mut entries = Vec::with_capacity(n.min(self.bytes.len()));
                for _ in 0..n {
                    let key = self.str()?;
                    entries.push((key, self.value_at(depth.saturating_add(1))?));
                }
                Value::Object(entries)
            }
            FUNCTION => Value::Function(self.u32()?),
            OTHER => Value::Other,
            NOT_ARRAY => Value::NotArray,
            STRING_SIZE => Value::StrSize(self.u32()?),
            BYTES_SIZE => Value::BytesSize(self.u32()?),
            _ => return None,
        })
    }
}
