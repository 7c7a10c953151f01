// The receiver's memory: a 256 KiB stack (the core recurses only to small, fixed depths) and
// 2 MiB at start, so a receiver verifying small bodies never grows its memory.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg=-zstack-size=262144");
        println!("cargo:rustc-link-arg=--initial-memory=2097152");
    }
}
