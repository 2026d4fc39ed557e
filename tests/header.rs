//! The checked-in C header is what cbindgen generates from `src/ffi.rs`
//! now, and the header's, Cargo.toml's and the library's versions agree.
//!
//! Regenerate the header with `GOVTALLY_UPDATE_HEADER=1 cargo test --test header`.

use std::ffi::CStr;
use std::path::Path;

use govtally::ffi;

fn generate() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi.rs"))
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

#[test]
fn checked_in_header_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/govtally.h");
    let fresh = generate();
    if std::env::var_os("GOVTALLY_UPDATE_HEADER").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).expect("writing include/govtally.h");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/govtally.h is stale: it differs from what cbindgen generates from src/ffi.rs; \
         regenerate it with `GOVTALLY_UPDATE_HEADER=1 cargo test --test header` and commit it"
    );
}

/// Every ledger of the registry has its constant in the header, with the
/// registry's value: adding a ledger without its C constant fails here.
#[test]
fn header_lists_every_dataset_with_its_registry_value() {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/govtally.h"))
            .unwrap();
    for d in govtally::Dataset::ALL {
        let line = format!(
            "GOVTALLY_DATASET_{} = {},",
            d.name().to_ascii_uppercase(),
            d.code()
        );
        assert!(
            header.lines().any(|l| l.trim() == line),
            "include/govtally.h has no `{line}`: add the constant to govtally_dataset in src/ffi.rs"
        );
    }
}

/// The value of `#define NAME value` in the checked-in header.
fn define(header: &str, name: &str) -> u32 {
    header
        .lines()
        .find_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some("#define") && w.next() == Some(name)).then(|| w.next())?
        })
        .unwrap_or_else(|| panic!("the header defines no {name}"))
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn versions_agree() {
    // The header as generated now; `checked_in_header_is_current` makes
    // sure the checked-in one is the same.
    let header = generate();
    let cargo: Vec<u32> = [
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    let rust = vec![
        ffi::GOVTALLY_VERSION_MAJOR,
        ffi::GOVTALLY_VERSION_MINOR,
        ffi::GOVTALLY_VERSION_PATCH,
    ];
    let header_version = vec![
        define(&header, "GOVTALLY_VERSION_MAJOR"),
        define(&header, "GOVTALLY_VERSION_MINOR"),
        define(&header, "GOVTALLY_VERSION_PATCH"),
    ];
    assert_eq!(rust, cargo, "ffi::GOVTALLY_VERSION_* and Cargo.toml");
    assert_eq!(header_version, cargo, "the header and Cargo.toml");

    // SAFETY: govtally_version returns a static NUL-terminated string.
    #[allow(unsafe_code)]
    let run_time = unsafe { CStr::from_ptr(ffi::govtally_version()) };
    assert_eq!(run_time.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        run_time.to_str().unwrap(),
        format!("{}.{}.{}", cargo[0], cargo[1], cargo[2])
    );
    assert_eq!(ffi::govtally_abi_version(), ffi::GOVTALLY_ABI_VERSION);
    assert_eq!(
        define(&header, "GOVTALLY_ABI_VERSION"),
        ffi::govtally_abi_version()
    );
}
