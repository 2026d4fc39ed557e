//! Generates the C header into OUT_DIR (never into the source tree, so
//! `cargo package` and read-only checkouts work) and warns when the
//! checked-in `include/govtally.h` no longer matches it. The checked-in
//! header is refreshed with `GOVTALLY_UPDATE_HEADER=1 cargo test --test header`.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/ffi.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=include/govtally.h");

    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("cbindgen.toml: {e}"));
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi.rs"))
        .generate()
        .unwrap_or_else(|e| panic!("generating the C header from src/ffi.rs: {e}"));
    let generated = out.join("govtally.h");
    bindings.write_to_file(&generated);

    let fresh = fs::read(&generated).unwrap_or_default();
    match fs::read(root.join("include/govtally.h")) {
        Ok(checked_in) if checked_in == fresh => {}
        _ => println!(
            "cargo:warning=include/govtally.h differs from the header generated from src/ffi.rs; \
             regenerate it with: GOVTALLY_UPDATE_HEADER=1 cargo test --test header"
        ),
    }
}
