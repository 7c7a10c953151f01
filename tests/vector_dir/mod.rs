//! Reading a folder of vector files, `tests/vectors/<dir>/*.json`, one per scheme: shared by the
//! scheme and the provider vector tests.

use serde_json::Value;

/// Every `.json` file in `tests/vectors/<dir>`, parsed, with its path, sorted by path.
pub fn read_vector_dir(dir: &str) -> Vec<(String, Value)> {
    let dir = format!("{}/tests/vectors/{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap_or_else(|e| panic!("{dir}: {e}")).path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.display().to_string(), value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
