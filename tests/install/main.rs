//! The installed library's SONAME, `libgovtally.so.<ABI major>`, carries the
//! C ABI version of the header: cargo-c takes the library version from
//! `[package.metadata.capi.library]` in Cargo.toml, which must be
//! `GOVTALLY_ABI_VERSION.0.0` with a one-component suffix
//! (docs/c-api.md#versions). `tests/install/run.sh` checks the SONAME of the
//! built package against the installed header.

use std::path::Path;

use govtally::ffi;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// `key = value` in the `[table]` of a TOML file, unquoted.
fn toml_value(toml: &str, table: &str, key: &str) -> Option<String> {
    let header = format!("[{table}]");
    let mut lines = toml.lines().map(str::trim);
    lines.by_ref().find(|l| *l == header)?;
    lines.take_while(|l| !l.starts_with('[')).find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The value of `#define NAME value` in the checked-in header.
fn define(header: &str, name: &str) -> u32 {
    header
        .lines()
        .find_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some("#define") && w.next() == Some(name)).then(|| w.next())?
        })
        .unwrap_or_else(|| panic!("include/govtally.h defines no {name}"))
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn soname_major_is_the_abi_version() {
    let abi = ffi::GOVTALLY_ABI_VERSION;
    assert_eq!(
        define(&read("include/govtally.h"), "GOVTALLY_ABI_VERSION"),
        abi,
        "include/govtally.h and src/ffi.rs"
    );
    let manifest = read("Cargo.toml");
    let table = "package.metadata.capi.library";
    let version = toml_value(&manifest, table, "version")
        .unwrap_or_else(|| panic!("Cargo.toml: [{table}] has no version"));
    assert_eq!(
        version,
        format!("{abi}.0.0"),
        "Cargo.toml [{table}] version must be GOVTALLY_ABI_VERSION.0.0: \
         the SONAME libgovtally.so.{abi} is derived from it"
    );
    assert_eq!(
        toml_value(&manifest, table, "version_suffix_components").as_deref(),
        Some("1"),
        "Cargo.toml [{table}]: the SONAME carries the ABI major only"
    );
}

#[test]
fn java_binding_expects_the_abi_version() {
    let java = read("examples/java/src/govtally/Govtally.java");
    let expected = format!(
        "public static final int ABI_VERSION = {};",
        ffi::GOVTALLY_ABI_VERSION
    );
    assert!(
        java.lines().any(|l| l.trim() == expected),
        "examples/java/src/govtally/Govtally.java: the binding (shipped as govtally.jar) \
         must declare `{expected}`"
    );
}
