//! Helpers the vector tests share: reading `tests/vectors/<name>.json` and comparing a result
//! with the fields a vector names.

use serde_json::Value;

/// The known answers in `tests/vectors/<name>.json`.
pub fn read_vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every key of `want` must be in `got` with the same value; objects are compared the same way,
/// key by key, so a vector names only the fields it cares about (and a misspelled one fails).
pub fn assert_partial(got: &Value, want: &Value, at: &str) {
    match want {
        Value::Object(fields) => {
            for (key, w) in fields {
                let g = got
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key}: no such field in {got}"));
                assert_partial(g, w, &format!("{at}.{key}"));
            }
        }
        _ => assert_eq!(got, want, "{at}"),
    }
}
