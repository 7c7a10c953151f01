//! W3C Trace Context's `traceparent` header (sender side): read the one a publisher sent, and
//! make the one each delivery attempt carries, as a child of it.
//!
//! The rules (W3C Trace Context, section 3.2 "traceparent Header"):
//! - `version-traceId-parentId-flags`, all lowercase hex: 2, 32, 16 and 2 digits;
//! - version `ff` is invalid; version `00` is exactly 55 characters; a later version is read by
//!   its first 55 characters, which must be followed by `-` or nothing (what follows is that
//!   version's business);
//! - a trace id or parent id of all zeros is invalid.
//!
//! A header that breaks a rule is ignored ([`parse`] gives `None`), as the specification asks of
//! a receiver that cannot parse it: a publish never fails over tracing. Surrounding spaces and
//! tabs (optional whitespace in HTTP) are not part of the value.
//!
//! Each attempt is a new span of the publisher's trace: [`TraceParent::child`] keeps the trace id
//! and the flags and takes a new parent id from 8 random bytes the caller passes in (the core
//! draws none). The header sent is version `00`, the one whose format is known here.

#[allow(unused_imports)]
use crate::prelude::*;

/// A parsed `traceparent`: the trace, the span that is the parent, the flags (bit 0: sampled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    pub trace_id: [u8; 16],
    pub parent_id: [u8; 8],
    pub flags: u8,
}

/// The header's value as a `TraceParent`, or `None` when it breaks a rule (see the module docs).
pub fn parse(header: &str) -> Option<TraceParent> {
    let value = header.trim_matches(|c| c == ' ' || c == '\t').as_bytes();
    let first = value.get(..55)?;
    let version = hex_byte(first.get(0..2)?)?;
    if version == 0xff || (version == 0 && value.len() != 55) {
        return None;
    }
    if value.len() > 55 && value.get(55) != Some(&b'-') {
        return None;
    }
    if [2, 35, 52].iter().any(|&i| first.get(i) != Some(&b'-')) {
        return None;
    }
    let mut trace_id = [0u8; 16];
    hex_into(first.get(3..35)?, &mut trace_id)?;
    let mut parent_id = [0u8; 8];
    hex_into(first.get(36..52)?, &mut parent_id)?;
    let flags = hex_byte(first.get(53..55)?)?;
    if trace_id == [0; 16] || parent_id == [0; 8] {
        return None;
    }
    Some(TraceParent {
        trace_id,
        parent_id,
        flags,
    })
}

impl TraceParent {
    /// The same trace with `span` (8 random bytes) as the parent id: the header of one attempt.
    /// Eight zero bytes are not a valid id; they are read as `00..01` (one chance in 2^64).
    pub fn child(&self, span: [u8; 8]) -> TraceParent {
        let mut parent_id = span;
        if parent_id == [0; 8] {
            parent_id[7] = 1;
        }
        TraceParent { parent_id, ..*self }
    }

    /// The version-00 header: `00-<trace id>-<parent id>-<flags>`.
    pub fn header(&self) -> String {
        let mut out = String::with_capacity(55);
        out.push_str("00-");
        push_hex(&mut out, &self.trace_id);
        out.push('-');
        push_hex(&mut out, &self.parent_id);
        out.push('-');
        push_hex(&mut out, &[self.flags]);
        out
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => c.checked_sub(b'0'),
        // 'a' is 10: 97 - 87.
        b'a'..=b'f' => c.checked_sub(87),
        _ => None,
    }
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    match pair {
        [hi, lo] => nibble(*hi)?.checked_mul(16)?.checked_add(nibble(*lo)?),
        _ => None,
    }
}

fn hex_into(text: &[u8], out: &mut [u8]) -> Option<()> {
    if text.len() != out.len().checked_mul(2)? {
        return None;
    }
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = hex_byte(pair)?;
    }
    Some(())
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        for n in [b.checked_shr(4).unwrap_or(0), b & 0x0f] {
            if let Some(&d) = DIGITS.get(usize::from(n)) {
                out.push(char::from(d));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn reads_and_writes_version_00() {
        let t = parse(GOOD).unwrap();
        assert_eq!(t.flags, 1);
        assert_eq!(t.header(), GOOD);
        assert_eq!(parse(&format!(" {GOOD}\t")).unwrap(), t);
        let child = t.child([0xab; 8]);
        assert_eq!(
            child.header(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-abababababababab-01"
        );
        assert_eq!(t.child([0; 8]).parent_id, [0, 0, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn refuses_what_the_spec_refuses() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "é0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        // A later version: its first 55 characters, and what follows is its own.
        let later = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-what-not";
        assert_eq!(parse(later).unwrap().header(), GOOD.replace("-01", "-09"));
    }
}
