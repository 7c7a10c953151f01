//! A validating JSON reader that finds one top-level member's integer: all the receive path needs
//! (Linear's `webhookTimestamp` lives inside the body). The receiver carries no serde; this reads
//! RFC 8259 JSON, refuses what is not (bad escapes, control characters, trailing bytes, nesting
//! deeper than [`MAX_DEPTH`]) and refuses a repeated member, so two parsers can never read two
//! different timestamps from one signed body.

#[allow(unused_imports)]
use crate::prelude::*;
/// How deep arrays and objects may nest (serde_json's default limit).
pub const MAX_DEPTH: usize = 128;

/// What [`top_level_integer`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    /// The member is an integer that fits in `i64`.
    Integer(i64),
    /// The member is absent, or holds something other than such an integer.
    NotInteger,
}

/// Why a body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON, or not an object at the top level.
    Invalid,
    /// The member appears more than once.
    Repeated,
}

/// Read `text` as one JSON object and return what its member `name` holds.
pub fn top_level_integer(text: &[u8], name: &str) -> Result<Member, JsonError> {
    let text = core::str::from_utf8(text).map_err(|_| JsonError::Invalid)?;
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut found: Option<Member> = None;
    r.skip_ws();
    r.expect(b'{')?;
    r.items(b'}', |r| {
        if r.key()? != name {
            return r.value(1);
        }
        if found.is_some() {
            return Err(JsonError::Repeated);
        }
        found = Some(r.member_value()?);
        Ok(())
    })?;
    r.skip_ws();
    if r.peek().is_some() {
        return Err(JsonError::Invalid);
    }
    Ok(found.unwrap_or(Member::NotInteger))
}

/// The input, validated as UTF-8 once: slices of it are taken by index, never checked again.
struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn bump(&mut self) {
        self.at = self.at.saturating_add(1);
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        if b.is_some() {
            self.bump();
        }
        b
    }

    fn expect(&mut self, want: u8) -> Result<(), JsonError> {
        if self.next() == Some(want) {
            Ok(())
        } else {
            Err(JsonError::Invalid)
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        let end = self.at.saturating_add(word.len());
        if self.bytes.get(self.at..end) == Some(word) {
            self.at = end;
            Ok(())
        } else {
            Err(JsonError::Invalid)
        }
    }

    /// A string, unescaped.
    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.bump();
            }
            // The run stops only at ASCII bytes, so it ends on a character boundary.
            out.push_str(self.text.get(start..self.at).ok_or(JsonError::Invalid)?);
            match self.next() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => self.escape(&mut out)?,
                _ => return Err(JsonError::Invalid),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let c = match self.next().ok_or(JsonError::Invalid)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                // A surrogate must come as a pair; a lone one is refused, as serde_json does.
                let first = self.hex4()?;
                if (0xDC00..0xE000).contains(&first) {
                    return Err(JsonError::Invalid);
                }
                if (0xD800..0xDC00).contains(&first) {
                    self.literal(b"\\u")?;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(JsonError::Invalid);
                    }
                    let code = 0x10000u32
                        .saturating_add(first.saturating_sub(0xD800) << 10)
                        .saturating_add(second.saturating_sub(0xDC00));
                    char::from_u32(code).ok_or(JsonError::Invalid)?
                } else {
                    char::from_u32(first).ok_or(JsonError::Invalid)?
                }
            }
            _ => return Err(JsonError::Invalid),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let end = self.at.saturating_add(4);
        let text = self.text.get(self.at..end).ok_or(JsonError::Invalid)?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(JsonError::Invalid);
        }
        self.at = end;
        u32::from_str_radix(text, 16).map_err(|_| JsonError::Invalid)
    }

    /// A number's text; whether it is an integer (no fraction, no exponent).
    fn number(&mut self) -> Result<(&str, bool), JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.next() {
            Some(b'0') => {}
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(JsonError::Invalid),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.bump();
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(JsonError::Invalid);
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(JsonError::Invalid);
            }
            self.digits();
        }
        let text = self.text.get(start..self.at).ok_or(JsonError::Invalid)?;
        Ok((text, integer))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump();
        }
    }

    /// The items of an array or object whose opening bracket was just read, up to `close`: each
    /// read by `item`, separated by commas.
    fn items(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.skip_ws();
        if self.peek() == Some(close) {
            self.bump();
            return Ok(());
        }
        loop {
            self.skip_ws();
            item(self)?;
            self.skip_ws();
            match self.next() {
                Some(b',') => continue,
                Some(c) if c == close => return Ok(()),
                _ => return Err(JsonError::Invalid),
            }
        }
    }

    /// An object member's name and its colon, leaving the reader at the value.
    fn key(&mut self) -> Result<String, JsonError> {
        let key = self.string()?;
        self.skip_ws();
        self.expect(b':')?;
        self.skip_ws();
        Ok(key)
    }

    /// The value of the member asked for: an integer in `i64`, or anything else (skipped).
    fn member_value(&mut self) -> Result<Member, JsonError> {
        if matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            let (text, integer) = self.number()?;
            return Ok(match text.parse::<i64>() {
                Ok(n) if integer => Member::Integer(n),
                _ => Member::NotInteger,
            });
        }
        self.value(1)?;
        Ok(Member::NotInteger)
    }

    /// Skip one value at nesting `depth` (the top-level object is depth 1).
    fn value(&mut self, depth: usize) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(open @ (b'[' | b'{')) => {
                let depth = depth.saturating_add(1);
                if depth > MAX_DEPTH {
                    return Err(JsonError::Invalid);
                }
                self.bump();
                if open == b'[' {
                    self.items(b']', |r| r.value(depth))
                } else {
                    self.items(b'}', |r| {
                        r.key()?;
                        r.value(depth)
                    })
                }
            }
            _ => Err(JsonError::Invalid),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "webhookTimestamp";

    #[test]
    fn finds_the_member() {
        let cases: &[(&str, Result<Member, JsonError>)] = &[
            (
                r#"{"webhookTimestamp":1700000000000}"#,
                Ok(Member::Integer(1_700_000_000_000)),
            ),
            (
                r#" { "a" : [1, {"b": null}], "webhookTimestamp" : -5 } "#,
                Ok(Member::Integer(-5)),
            ),
            (r#"{"webhook\u0054imestamp":7}"#, Ok(Member::Integer(7))),
            (r#"{"webhookTimestamp":1.0}"#, Ok(Member::NotInteger)),
            (r#"{"webhookTimestamp":1e3}"#, Ok(Member::NotInteger)),
            (
                r#"{"webhookTimestamp":"1700000000000"}"#,
                Ok(Member::NotInteger),
            ),
            (
                r#"{"webhookTimestamp":9223372036854775808}"#,
                Ok(Member::NotInteger),
            ),
            (r#"{"webhookTimestamp":null}"#, Ok(Member::NotInteger)),
            (r#"{}"#, Ok(Member::NotInteger)),
            (
                r#"{"webhookTimestamp":1,"webhookTimestamp":2}"#,
                Err(JsonError::Repeated),
            ),
            (
                r#"{"webhookTimestamp":1,"webhook\u0054imestamp":2}"#,
                Err(JsonError::Repeated),
            ),
            (r#"[1]"#, Err(JsonError::Invalid)),
            (r#"{"webhookTimestamp":01}"#, Err(JsonError::Invalid)),
            (r#"{"webhookTimestamp":1}x"#, Err(JsonError::Invalid)),
            (r#"{"webhookTimestamp":1,}"#, Err(JsonError::Invalid)),
            (r#"{"a":"\x"}"#, Err(JsonError::Invalid)),
            ("{\"a\":\"\u{1}\"}", Err(JsonError::Invalid)),
            (r#"{"a":tru}"#, Err(JsonError::Invalid)),
            ("", Err(JsonError::Invalid)),
        ];
        for (text, want) in cases {
            assert_eq!(top_level_integer(text.as_bytes(), NAME), *want, "{text}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!(
            "{{\"a\":{}{}}}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(
            top_level_integer(ok.as_bytes(), NAME),
            Ok(Member::NotInteger)
        );
        let deep = format!(
            "{{\"a\":{}{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert_eq!(
            top_level_integer(deep.as_bytes(), NAME),
            Err(JsonError::Invalid)
        );
        let huge = format!("{{\"a\":{}", "[".repeat(1_000_000));
        assert_eq!(
            top_level_integer(huge.as_bytes(), NAME),
            Err(JsonError::Invalid)
        );
    }

    /// Against serde_json (the reader the receiver used before): whatever serde reads as an
    /// object, this reads the same member from; whatever serde refuses, this refuses.
    #[test]
    fn agrees_with_serde_json() {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just(",".to_owned()),
            Just(":".to_owned()),
            Just(" ".to_owned()),
            Just("\"webhookTimestamp\"".to_owned()),
            Just("\"a\"".to_owned()),
            Just("\"\\u00e9\\n\"".to_owned()),
            Just("\"\\ud83d\\ude00\"".to_owned()),
            Just("\"\\ud83d\"".to_owned()),
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("-12".to_owned()),
            Just("1.5e2".to_owned()),
            Just("1700000000000".to_owned()),
            Just("0".to_owned()),
        ];
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&proptest::collection::vec(piece, 0..24), |parts| {
                let text = format!("{{{}}}", parts.concat());
                check_against_serde(&text);
                check_against_serde(&parts.concat());
                Ok(())
            })
            .unwrap();
    }

    fn check_against_serde(text: &str) {
        let ours = top_level_integer(text.as_bytes(), NAME);
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(map)) => {
                // serde_json's map keeps the last of repeated members; count them in the text.
                let repeated = matches!(ours, Err(JsonError::Repeated));
                if !repeated {
                    let want = map
                        .get(NAME)
                        .and_then(serde_json::Value::as_i64)
                        .map_or(Member::NotInteger, Member::Integer);
                    assert_eq!(ours, Ok(want), "{text}");
                }
            }
            Ok(_) => assert_eq!(ours, Err(JsonError::Invalid), "{text}"),
            Err(_) => assert!(ours.is_err(), "{text}"),
        }
    }
}
