//! A validating JSON reader for what the receive path needs of a body, without serde (the receiver
//! carries none). It reads RFC 8259 JSON and refuses what is not (bad escapes, control characters,
//! trailing bytes, nesting deeper than [`MAX_DEPTH`]), two ways:
//! - [`top_level_integer`]: Linear's `webhookTimestamp`, read as serde_json reads it, a repeated
//!   member refused, so two parsers can never read two different timestamps from one signed body;
//! - [`js_member`]: a member a provider's handshake is decided on, read as `JSON.parse` reads
//!   them (the package's callers see the body that way): the last of repeated members wins, a lone
//!   surrogate escape is a string's code unit, a number is the nearest double.

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
    let mut r = Reader::new(text, false);
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

/// A member's value as `JSON.parse` gives it, as far as [`js_member`] tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsValue {
    /// A string as WTF-8: its UTF-8, a lone surrogate (JavaScript strings may hold one) encoded
    /// as if it were a character (three bytes, `ED A0 80` to `ED BF BF`).
    String(Vec<u8>),
    /// A number whose nearest double is 1 (`1`, `1.0`, `10e-1`, ...).
    One,
    /// Anything else: another number, `true`, `false`, `null`, an array, an object.
    Other,
}

/// Read `text` as `JSON.parse` does and give the member at `path` (names, outermost first) of
/// the object it is: at each level the last of repeated members, as `JSON.parse` keeps. `None`
/// where `JSON.parse` throws (not UTF-8, not JSON), where the value is not an object, or where
/// there is no such member (or one on the way is not an object). Unlike `JSON.parse`, nesting
/// deeper than [`MAX_DEPTH`] is refused.
pub fn js_member(text: &[u8], path: &[&str]) -> Option<JsValue> {
    let text = core::str::from_utf8(text).ok()?;
    let mut r = Reader::new(text, true);
    r.skip_ws();
    let found = r.object_member(0, path).ok()?;
    r.skip_ws();
    let (start, end) = found.filter(|_| r.peek().is_none())?;
    let mut value = Reader::new(text.get(start..end)?, true);
    Some(match value.peek() {
        Some(b'"') => {
            let mut bytes = Vec::new();
            value.wtf8(&mut bytes).ok()?;
            JsValue::String(bytes)
        }
        Some(b'-' | b'0'..=b'9') if is_one(value.text) => JsValue::One,
        _ => JsValue::Other,
    })
}

/// The input, validated as UTF-8 once: slices of it are taken by index, never checked again.
struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// Read as `JSON.parse` does: a lone surrogate escape is accepted (names with one are read
    /// with U+FFFD in its place; the names asked for are never such).
    js: bool,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, js: bool) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
            js,
        }
    }

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

    /// A string, unescaped. A lone surrogate escape is refused, as serde_json does; in
    /// `JSON.parse`'s reading a name holding one is read as `""` (no name asked for is empty).
    fn string(&mut self) -> Result<String, JsonError> {
        let mut bytes = Vec::new();
        self.wtf8(&mut bytes)?;
        // Valid UTF-8 unless it holds a lone surrogate.
        match String::from_utf8(bytes) {
            Ok(text) => Ok(text),
            Err(_) if self.js => Ok(String::new()),
            Err(_) => Err(JsonError::Invalid),
        }
    }

    /// A string as JavaScript holds it, appended to `out` as WTF-8: UTF-8 in which a lone
    /// surrogate (an escape `JSON.parse` accepts) is encoded as if it were a character.
    fn wtf8(&mut self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        self.expect(b'"')?;
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.bump();
            }
            // The run stops only at ASCII bytes, so it ends on a character boundary.
            out.extend_from_slice(self.bytes.get(start..self.at).ok_or(JsonError::Invalid)?);
            match self.next() {
                Some(b'"') => return Ok(()),
                Some(b'\\') => self.escape(out)?,
                _ => return Err(JsonError::Invalid),
            }
        }
    }

    /// An escape (after its backslash), appended to `out` as WTF-8.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let unit = match self.next().ok_or(JsonError::Invalid)? {
            c @ (b'"' | b'\\' | b'/') => c,
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unicode_escape(out),
            _ => return Err(JsonError::Invalid),
        };
        out.push(unit);
        Ok(())
    }

    /// `\uXXXX` (after its `\u`): a high surrogate followed by a low one's escape is one
    /// character; any other surrogate is lone.
    fn unicode_escape(&mut self, out: &mut Vec<u8>) -> Result<(), JsonError> {
        let first = u32::from(self.hex4()?);
        let mut code = first;
        if (0xD800..0xDC00).contains(&first)
            && self.bytes.get(self.at..self.at.saturating_add(2)) == Some(b"\\u")
        {
            let back = self.at;
            self.at = self.at.saturating_add(2);
            match self.hex4().map(u32::from) {
                Ok(second @ 0xDC00..=0xDFFF) => {
                    code = 0x10000u32
                        .saturating_add(first.saturating_sub(0xD800) << 10)
                        .saturating_add(second.saturating_sub(0xDC00));
                }
                _ => self.at = back,
            }
        }
        // UTF-8's encoding of the number, a lone surrogate's included (three bytes).
        let byte = |shift: u32, mark: u32| ((code >> shift) & 0x3F | mark) as u8;
        match code {
            0..=0x7F => out.push(code as u8),
            0x80..=0x7FF => out.extend_from_slice(&[byte(6, 0xC0), byte(0, 0x80)]),
            0x800..=0xFFFF => {
                out.extend_from_slice(&[byte(12, 0xE0), byte(6, 0x80), byte(0, 0x80)]);
            }
            _ => out.extend_from_slice(&[
                byte(18, 0xF0),
                byte(12, 0x80),
                byte(6, 0x80),
                byte(0, 0x80),
            ]),
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let end = self.at.saturating_add(4);
        let text = self.text.get(self.at..end).ok_or(JsonError::Invalid)?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(JsonError::Invalid);
        }
        self.at = end;
        u16::from_str_radix(text, 16).map_err(|_| JsonError::Invalid)
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

    /// An object at nesting `depth` (0 outside any), read whole: where its member at `path`
    /// is, the last of repeated ones (`None` when there is none, or when one on the way is not
    /// an object).
    fn object_member(
        &mut self,
        depth: usize,
        path: &[&str],
    ) -> Result<Option<(usize, usize)>, JsonError> {
        let depth = depth.saturating_add(1);
        if depth > MAX_DEPTH {
            return Err(JsonError::Invalid);
        }
        self.expect(b'{')?;
        let mut found = None;
        self.items(b'}', |r| {
            let key = r.key()?;
            match path.split_first() {
                Some((name, rest)) if *name == key => {
                    let start = r.at;
                    found = match (rest.is_empty(), r.peek()) {
                        (false, Some(b'{')) => r.object_member(depth, rest)?,
                        (leaf, _) => {
                            r.value(depth)?;
                            leaf.then_some((start, r.at))
                        }
                    };
                    Ok(())
                }
                _ => r.value(depth),
            }
        })?;
        Ok(found)
    }
}

/// 1 - 2^-54 and 2^-53, exactly: the halfway points between 1 and the doubles either side of
/// it, which round (to even) to 1. A number reads as 1 from the first up to 1 + the second.
const BELOW_ONE: &[u8] = b"999999999999999944488848768742172978818416595458984375";
const ABOVE_ONE: &[u8] = b"00000000000000011102230246251565404236316680908203125";

/// Whether a JSON number's text is 1 once read as a double (`JSON.parse`'s reading), decided on
/// its decimal digits (the receiver carries no float parsing).
fn is_one(text: &str) -> bool {
    let text = text.as_bytes();
    if text.first() == Some(&b'-') {
        return false;
    }
    let e = text
        .iter()
        .position(|&c| c | 0x20 == b'e')
        .unwrap_or(text.len());
    let mantissa = text.get(..e).unwrap_or_default();
    let int = mantissa
        .iter()
        .position(|&c| c == b'.')
        .unwrap_or(mantissa.len());
    // The value is 0.D x 10^point, D the digits from the first that is not 0 (a '.' in them
    // skipped), point the integer part's length less the 0s before D.
    let lead = mantissa
        .iter()
        .take_while(|&&c| c == b'0' || c == b'.')
        .count();
    let zeros = mantissa
        .get(..lead)
        .unwrap_or_default()
        .iter()
        .filter(|&&c| c == b'0')
        .count();
    let d = mantissa.get(lead..).unwrap_or_default();
    let point = (int as i64)
        .saturating_sub(zeros as i64)
        .saturating_add(exponent_of(
            text.get(e.saturating_add(1)..).unwrap_or_default(),
        ));
    match (point, d.split_first()) {
        // 1.R: R at most 2^-53.
        (1, Some((b'1', rest))) => fraction_cmp(rest, ABOVE_ONE).is_le(),
        // 0.D: at least 1 - 2^-54.
        (0, Some(_)) => fraction_cmp(d, BELOW_ONE).is_ge(),
        _ => false,
    }
}

/// An exponent's value (its text after the `e`), held within a range far past any that could
/// make a number 1.
fn exponent_of(text: &[u8]) -> i64 {
    let n = text
        .iter()
        .filter(|c| c.is_ascii_digit())
        .fold(0i64, |n, &c| {
            n.saturating_mul(10)
                .saturating_add(i64::from(c.wrapping_sub(b'0')))
                .min(1 << 40)
        });
    if text.first() == Some(&b'-') {
        n.saturating_neg()
    } else {
        n
    }
}

/// 0.a against 0.b, both decimal digits (a `.` in `a` skipped).
fn fraction_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let mut a = a.iter().filter(|&&c| c != b'.');
    let mut b = b.iter();
    loop {
        let (x, y) = (a.next(), b.next());
        if x.is_none() && y.is_none() {
            return core::cmp::Ordering::Equal;
        }
        let o = x.unwrap_or(&b'0').cmp(y.unwrap_or(&b'0'));
        if o.is_ne() {
            return o;
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

    /// `js_member` against serde_json, which reads what JSON.parse reads but a lone surrogate
    /// (left out here) and keeps the last of repeated members too.
    #[test]
    fn js_member_agrees_with_serde_json() {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("{"),
            Just("}"),
            Just("["),
            Just("]"),
            Just(","),
            Just(":"),
            Just(" "),
            Just("\"a\""),
            Just("\"\\u0061\""),
            Just("\"b\""),
            Just("\"\\u00e9\\n\\\"\""),
            Just("\"\\ud83d\\ude00\""),
            Just("null"),
            Just("1"),
            Just("1.0"),
            Just("10e-1"),
            Just("2"),
        ];
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&proptest::collection::vec(piece, 0..24), |parts| {
                let text = format!("{{{}}}", parts.concat());
                let serde = serde_json::from_str::<serde_json::Value>(&text).ok();
                for path in [&["a"][..], &["a", "a"], &["b", "a"]] {
                    let want = serde.as_ref().filter(|v| v.is_object()).and_then(|v| {
                        let v = path
                            .iter()
                            .try_fold(v, |v, name| v.as_object()?.get(*name))?;
                        Some(match v {
                            serde_json::Value::String(s) => JsValue::String(s.as_bytes().to_vec()),
                            serde_json::Value::Number(n) if n.as_f64() == Some(1.0) => JsValue::One,
                            _ => JsValue::Other,
                        })
                    });
                    assert_eq!(js_member(text.as_bytes(), path), want, "{text} {path:?}");
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn js_strings_keep_lone_surrogates() {
        let read = |text: &str| js_member(text.as_bytes(), &["a"]);
        let string = |bytes: &[u8]| Some(JsValue::String(bytes.to_vec()));
        assert_eq!(read(r#"{"a":"\ud800"}"#), string(b"\xed\xa0\x80"));
        assert_eq!(
            read(r#"{"a":"\udfff\ud83d"}"#),
            string(b"\xed\xbf\xbf\xed\xa0\xbd")
        );
        assert_eq!(read(r#"{"a":"\ud83d\ude00"}"#), string("😀".as_bytes()));
        assert_eq!(read(r#"{"a":"\ud83d\u0041"}"#), string(b"\xed\xa0\xbdA"));
        assert_eq!(read(r#"{"a":"\ud83d\uzzzz"}"#), None);
        // A name with one is no name asked for; serde's reading refuses it still.
        assert_eq!(read(r#"{"\ud800":1,"a":2}"#), Some(JsValue::Other));
        assert_eq!(
            top_level_integer(br#"{"a":"\ud800"}"#, "b"),
            Err(JsonError::Invalid)
        );
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
