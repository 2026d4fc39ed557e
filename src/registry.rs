//! The one list of ledgers. Everything that enumerates them — [`Dataset`]
//! and its names, [`Figures`], the engine each one runs, the text output,
//! name parsing, `report DIR` detection, the error messages that list the
//! names, the C ABI's dataset values and the CLI's subcommands — is derived
//! from the [`ledgers!`] invocation below.
//!
//! Adding a ledger is its file in `src/datasets/` (declared there with
//! `pub mod`) plus one line here — and its C constant, which cbindgen can
//! only read from a literal in `src/ffi.rs` (tests/header.rs fails until it
//! is there), and the Java binding's enum value (its test fails until it is
//! there).

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::Options;
use crate::datasets::DatasetSpec;
use crate::engine::{Core, FileEngine};
use crate::error::Error;
use crate::input::header::ColumnSpec;

macro_rules! ledgers {
    ($($variant:ident = $code:literal => $spec:ty),+ $(,)?) => {
        /// A kind of ledger export. The list, its order and the values
        /// below come from the registry (`src/registry.rs`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Dataset {
            $(
                #[doc = concat!("`", stringify!($variant), "`: see [`", stringify!($spec), "`].")]
                $variant,
            )+
        }

        impl Dataset {
            /// Every dataset, in the registry's order (that of their C values).
            pub const ALL: [Dataset; [$($code),+].len()] = [$(Dataset::$variant),+];

            /// The dataset's name (`legality`, `enforcement`, …).
            pub fn name(self) -> &'static str {
                match self { $(Dataset::$variant => <$spec as DatasetSpec>::NAME),+ }
            }

            /// The dataset's Chinese title, as a report names it.
            pub fn title(self) -> &'static str {
                match self { $(Dataset::$variant => <$spec as DatasetSpec>::TITLE),+ }
            }

            /// One line describing the ledger (the CLI's help).
            pub fn about(self) -> &'static str {
                match self { $(Dataset::$variant => <$spec as DatasetSpec>::ABOUT),+ }
            }

            /// The columns the dataset reads, in declaration order.
            pub fn columns(self) -> &'static [ColumnSpec] {
                match self { $(Dataset::$variant => <$spec as DatasetSpec>::COLUMNS),+ }
            }

            /// The dataset's value in the C ABI (`govtally_dataset`). Values
            /// are never reused or renumbered: a new ledger takes the next.
            pub fn code(self) -> i32 {
                match self { $(Dataset::$variant => $code),+ }
            }

            /// The dataset whose C ABI value is `code`.
            pub fn from_code(code: i32) -> Option<Dataset> {
                match code { $($code => Some(Dataset::$variant),)+ _ => None }
            }

            /// The word for the last segment of a figure path
            /// ([`DatasetSpec::label`]).
            pub(crate) fn segment_label(self, path: &[&str]) -> Option<std::borrow::Cow<'static, str>> {
                match self { $(Dataset::$variant => <$spec as DatasetSpec>::label(path)),+ }
            }

            /// The figures the annual report quotes ([`DatasetSpec::HEADLINES`]).
            pub fn headlines(self) -> &'static [&'static str] {
                match self { $(Dataset::$variant => <$spec as DatasetSpec>::HEADLINES),+ }
            }

            /// The groupings laid out as tables ([`DatasetSpec::GROUPINGS`]).
            pub(crate) fn groupings(self) -> &'static [&'static str] {
                match self { $(Dataset::$variant => <$spec as DatasetSpec>::GROUPINGS),+ }
            }

            pub(crate) fn engine(self, options: &Options) -> Box<dyn FileEngine<Figures>> {
                match self {
                    $(Dataset::$variant => Box::new(Core::<$spec>::new(options))),+
                }
            }
        }

        /// A dataset's figures: the JSON document's dataset-specific part.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Figures {
            $(
                #[doc = concat!("The figures of [`Dataset::", stringify!($variant), "`].")]
                $variant(<$spec as DatasetSpec>::Figures),
            )+
        }

        impl Figures {
            /// The dataset these are figures of.
            pub fn dataset(&self) -> Dataset {
                match self { $(Figures::$variant(_) => Dataset::$variant),+ }
            }

            /// The figures as lines of Chinese text.
            pub(crate) fn write_text(&self, out: &mut String) {
                match self {
                    $(Figures::$variant(f) => <$spec as DatasetSpec>::write_text(f, out)),+
                }
            }
        }

        impl Serialize for Figures {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self { $(Figures::$variant(f) => f.serialize(s)),+ }
            }
        }

        $(
            impl From<<$spec as DatasetSpec>::Figures> for Figures {
                fn from(f: <$spec as DatasetSpec>::Figures) -> Figures {
                    Figures::$variant(f)
                }
            }
        )+
    };
}

ledgers! {
    Legality = 0 => crate::datasets::legality::Legality,
    Inspections = 1 => crate::datasets::inspections::Inspections,
    Complaints = 2 => crate::datasets::complaints::Complaints,
    Enforcement = 3 => crate::datasets::enforcement::Enforcement,
    Normative = 4 => crate::datasets::normative::Normative,
    Disputes = 5 => crate::datasets::disputes::Disputes,
    Reconsideration = 6 => crate::datasets::reconsideration::Reconsideration,
    Proposals = 7 => crate::datasets::proposals::Proposals,
}

impl Dataset {
    /// The names of every dataset, for messages: `legality, inspections, …`.
    pub fn names() -> String {
        Dataset::ALL.map(Dataset::name).join(", ")
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Dataset {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl FromStr for Dataset {
    type Err = Error;

    /// A dataset by its name (ASCII case ignored) or its Chinese title.
    fn from_str(s: &str) -> Result<Dataset, Error> {
        let n = s.trim().to_ascii_lowercase();
        Dataset::ALL
            .into_iter()
            .find(|d| d.name() == n || d.title() == s.trim())
            .ok_or_else(|| {
                Error::InvalidOption(format!(
                    "unknown dataset `{s}`: expected one of {}",
                    Dataset::names()
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_round_trip() {
        for (i, d) in Dataset::ALL.into_iter().enumerate() {
            // Values are the registry's order: appending keeps the ABI.
            assert_eq!(d.code(), i as i32, "{d}");
            assert_eq!(Dataset::from_code(d.code()), Some(d));
            assert_eq!(d.name().parse::<Dataset>().unwrap(), d);
            assert_eq!(d.title().parse::<Dataset>().unwrap(), d);
        }
        assert_eq!(Dataset::from_code(-1), None);
        assert_eq!(Dataset::from_code(Dataset::ALL.len() as i32), None);
        // The three datasets of the first C ABI keep their values.
        assert_eq!(Dataset::Legality.code(), 0);
        assert_eq!(Dataset::Inspections.code(), 1);
        assert_eq!(Dataset::Complaints.code(), 2);
    }

    #[test]
    fn unknown_names_list_every_dataset() {
        let e = "nope".parse::<Dataset>().unwrap_err().to_string();
        for d in Dataset::ALL {
            assert!(e.contains(d.name()), "{e}");
        }
    }
}
