//! Saved tallies: a tally in progress written to bytes, resumed and merged
//! exactly (docs/state.md).
//!
//! A state keeps every first occurrence the tally took — what its figures
//! read, texts interned — with the row accounting and the problems of each
//! input. Resuming or merging replays those rows through the same
//! de-duplication as a run, in their order, so a state resumed and fed
//! more files, or states merged in any tree, give the report of one run
//! over the inputs in that order.
//!
//! The bytes: a 32-byte header (magic `GVTSTATE`, format version, dataset,
//! body length, the body's XXH3-64 checksum), then the body in
//! [postcard](https://docs.rs/postcard).

pub(crate) mod kept;

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::options::{Options, Rounding};
use crate::registry::Dataset;
use kept::SavedRow;

/// The state format version this build writes and reads.
pub const STATE_VERSION: u16 = 1;

/// The first bytes of every state.
pub const MAGIC: [u8; 8] = *b"GVTSTATE";

/// Bytes before the body.
pub const HEADER_BYTES: usize = 32;

/// Why bytes are not a state a tally can take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// No bytes at all.
    #[error("is empty (0 bytes): a state is at least {HEADER_BYTES} bytes")]
    Empty,
    /// Bytes that are not a state: another file given by mistake.
    #[error("is not a govtally state: {0}")]
    NotAState(String),
    /// A state of another format version.
    #[error(
        "is a state of format version {found}; this govtally reads version {supported}: \
         tally the inputs again with this version"
    )]
    Version {
        /// The version the state was written in.
        found: u16,
        /// The version this build reads.
        supported: u16,
    },
    /// Fewer bytes than the header says.
    #[error("is truncated: its header gives {expected} bytes, there are {found}")]
    Truncated {
        /// Bytes the header announces (header and body).
        expected: u64,
        /// Bytes given.
        found: u64,
    },
    /// The checksum does not match: a byte changed.
    #[error("is damaged: its checksum does not match its bytes (a byte was changed)")]
    Checksum,
    /// The body does not decode, or does not add up.
    #[error("is damaged: {0}")]
    Damaged(String),
    /// A state of another ledger.
    #[error("is a state of the {state} ledger; this tally is of {tally}")]
    Dataset {
        /// The state's ledger.
        state: String,
        /// The tally's.
        tally: String,
    },
    /// A state tallied with other settings that decide its figures.
    #[error(
        "was tallied with {what} {state}, this tally with {tally}: states merge only \
         when the ledger, period, rounding and header aliases are the same"
    )]
    Settings {
        /// Which setting (`period`, `rounding`, `aliases`).
        what: &'static str,
        /// The state's.
        state: String,
        /// The tally's.
        tally: String,
    },
}

/// What decides a state's figures besides its rows: states merge only
/// when these are equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Settings {
    /// The period's first and last day numbers; None when inferred.
    pub period: Option<(i32, i32)>,
    pub rounding: u8,
    /// Extra header aliases, sorted.
    pub aliases: Vec<(String, String)>,
    /// Whether rejected rows were skipped: it decides no figure (states of
    /// either policy merge), but a tally resumed with the state's own
    /// settings takes it, so that a state saved under `skip` finishes.
    pub skip_bad_rows: bool,
}

impl Settings {
    pub fn of(options: &Options) -> Settings {
        let mut aliases = options.aliases.clone();
        aliases.sort();
        Settings {
            period: options
                .period
                .map(|p| (kept::day(p.start), kept::day(p.end))),
            rounding: match options.rounding {
                Rounding::HalfAwayFromZero => 0,
                Rounding::HalfEven => 1,
            },
            aliases,
            skip_bad_rows: options.on_bad_row == crate::BadRowPolicy::Skip,
        }
    }

    /// The first setting in which `self` (a state's) and `tally` differ.
    pub fn differ(&self, tally: &Settings) -> Option<StateError> {
        let period = |p: Option<(i32, i32)>| match p {
            None => "inferred from the data (no --year or --from/--to)".to_string(),
            Some((a, b)) => match (kept::date(a), kept::date(b)) {
                (Some(a), Some(b)) => format!("{a} to {b}"),
                _ => "(not a period)".to_string(),
            },
        };
        let rounding = |r: u8| match r {
            0 => "half-away-from-zero".to_string(),
            1 => "half-even".to_string(),
            n => format!("(unknown rounding {n})"),
        };
        let aliases = |a: &[(String, String)]| {
            if a.is_empty() {
                "none".to_string()
            } else {
                a.iter()
                    .map(|(h, k)| format!("{h}={k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        if self.period != tally.period {
            Some(StateError::Settings {
                what: "period",
                state: period(self.period),
                tally: period(tally.period),
            })
        } else if self.rounding != tally.rounding {
            Some(StateError::Settings {
                what: "rounding",
                state: rounding(self.rounding),
                tally: rounding(tally.rounding),
            })
        } else if self.aliases != tally.aliases {
            Some(StateError::Settings {
                what: "aliases",
                state: aliases(&self.aliases),
                tally: aliases(&tally.aliases),
            })
        } else {
            None
        }
    }
}

/// One input a tally took (a file, or a sheet of a workbook): its name,
/// identity and row accounting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Input {
    pub name: String,
    pub sheet: Option<String>,
    /// Bytes, and the XXH3-128 hash of the bytes (the whole workbook for
    /// a sheet); 0 and 0 when not known (a tally that keeps no state).
    pub size: u64,
    pub hash: [u8; 16],
    /// The id prefix its rows were tallied with.
    pub id_prefix: Option<String>,
    pub read: u64,
    pub blank: u64,
    pub rejected: u64,
    /// Valid rows not kept: their id was taken before.
    pub duplicates: u64,
}

impl Input {
    /// The input as messages name it.
    pub fn shown(&self) -> String {
        match &self.sheet {
            Some(s) => format!("{} [{s}]", self.name),
            None => self.name.clone(),
        }
    }

    /// Whether `other` holds the same bytes (and sheet): taking it again
    /// would count its rows twice. An input with no valid row, or with no
    /// identity, is never the same as another.
    pub fn same_as(&self, other: &Input) -> bool {
        self.size != 0
            && self.hash == other.hash
            && self.size == other.size
            && self.sheet == other.sheet
            && self.read > self.blank + self.rejected
            && other.read > other.blank + other.rejected
    }
}

/// The body of a state (after the header), generic over the ledger's kept
/// row.
#[derive(Serialize, Deserialize)]
pub(crate) struct Body<R> {
    pub settings: Settings,
    pub inputs: Vec<Input>,
    pub problems_total: u64,
    pub problems: Vec<Problem>,
    /// Texts of the kept rows, numbered from 1.
    pub strings: Vec<String>,
    /// First occurrences, in file order.
    pub rows: Vec<SavedRow<R>>,
}

/// The state of `dataset` whose body is `body`.
pub(crate) fn write<B: Serialize>(dataset: Dataset, body: &B) -> Result<Vec<u8>, StateError> {
    let out = postcard::to_extend(body, vec![0u8; HEADER_BYTES])
        .map_err(|e| StateError::Damaged(format!("cannot be written: {e}")))?;
    let mut out = out;
    let len = (out.len() - HEADER_BYTES) as u64;
    let sum = xxhash_rust::xxh3::xxh3_64(&out[HEADER_BYTES..]);
    let mut h = [0u8; HEADER_BYTES];
    h[..8].copy_from_slice(&MAGIC);
    h[8..10].copy_from_slice(&STATE_VERSION.to_le_bytes());
    h[10..12].copy_from_slice(&(dataset.code() as u16).to_le_bytes());
    // 12..16: reserved, zero.
    h[16..24].copy_from_slice(&len.to_le_bytes());
    h[24..32].copy_from_slice(&sum.to_le_bytes());
    out[..HEADER_BYTES].copy_from_slice(&h);
    Ok(out)
}

/// The ledger of a state, and its body once the header and checksum are
/// checked.
pub(crate) fn open(bytes: &[u8]) -> Result<(Dataset, &[u8]), StateError> {
    if bytes.is_empty() {
        return Err(StateError::Empty);
    }
    if bytes.len() < 8 || bytes[..8] != MAGIC {
        return Err(StateError::NotAState(not_a_state(bytes)));
    }
    if bytes.len() < HEADER_BYTES {
        return Err(StateError::Truncated {
            expected: HEADER_BYTES as u64,
            found: bytes.len() as u64,
        });
    }
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[i..i + 8]);
        u64::from_le_bytes(b)
    };
    let version = u16_at(8);
    if version != STATE_VERSION {
        return Err(StateError::Version {
            found: version,
            supported: STATE_VERSION,
        });
    }
    let len = u64_at(16);
    let body = &bytes[HEADER_BYTES..];
    if (body.len() as u64) < len {
        return Err(StateError::Truncated {
            expected: len.saturating_add(HEADER_BYTES as u64),
            found: bytes.len() as u64,
        });
    }
    if (body.len() as u64) > len {
        return Err(StateError::Damaged(format!(
            "{} bytes follow the {} its header gives",
            body.len() as u64 - len,
            len.saturating_add(HEADER_BYTES as u64)
        )));
    }
    if xxhash_rust::xxh3::xxh3_64(body) != u64_at(24) {
        return Err(StateError::Checksum);
    }
    let code = u16_at(10);
    let dataset = Dataset::from_code(i32::from(code)).ok_or_else(|| {
        StateError::Damaged(format!(
            "its ledger number {code} is none this govtally knows ({})",
            Dataset::names()
        ))
    })?;
    Ok((dataset, body))
}

/// A body less its rows (they follow it in the body).
#[derive(Deserialize)]
pub(crate) struct Head {
    pub settings: Settings,
    pub inputs: Vec<Input>,
    pub problems_total: u64,
    pub problems: Vec<Problem>,
    pub strings: Vec<String>,
}

/// The head of a checked body, its rows not decoded.
pub(crate) fn head(body: &[u8]) -> Result<Head, StateError> {
    postcard::take_from_bytes::<Head>(body)
        .map(|(h, _)| h)
        .map_err(|e| StateError::Damaged(format!("its body does not decode ({e})")))
}

/// Decodes a checked body, handing each kept row to `each` as it is
/// decoded (with the body's head, read before the rows): the rows are
/// never all in memory at once. `each` may refuse the state.
pub(crate) fn stream<'b, R, F>(body: &'b [u8], mut each: F) -> Result<Head, StateError>
where
    R: Deserialize<'b>,
    F: FnMut(&Head, SavedRow<R>) -> Result<(), StateError>,
{
    use serde::de::{DeserializeSeed, Deserializer, Error as _, SeqAccess, Visitor};
    use std::marker::PhantomData;

    struct BodyVisitor<'f, R, F> {
        each: &'f mut F,
        refused: &'f mut Option<StateError>,
        _row: PhantomData<R>,
    }
    struct Rows<'f, 'h, R, F> {
        head: &'h Head,
        each: &'f mut F,
        refused: &'f mut Option<StateError>,
        _row: PhantomData<R>,
    }
    impl<'de, R: Deserialize<'de>, F: FnMut(&Head, SavedRow<R>) -> Result<(), StateError>>
        DeserializeSeed<'de> for Rows<'_, '_, R, F>
    {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de, R: Deserialize<'de>, F: FnMut(&Head, SavedRow<R>) -> Result<(), StateError>>
        Visitor<'de> for Rows<'_, '_, R, F>
    {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the kept rows")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(row) = seq.next_element::<SavedRow<R>>()? {
                if let Err(e) = (self.each)(self.head, row) {
                    *self.refused = Some(e);
                    return Err(A::Error::custom("refused"));
                }
            }
            Ok(())
        }
    }
    impl<'de, R: Deserialize<'de>, F: FnMut(&Head, SavedRow<R>) -> Result<(), StateError>>
        Visitor<'de> for BodyVisitor<'_, R, F>
    {
        type Value = Head;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a state's body")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Head, A::Error> {
            let missing = || A::Error::custom("the body ends early");
            let head = Head {
                settings: seq.next_element()?.ok_or_else(missing)?,
                inputs: seq.next_element()?.ok_or_else(missing)?,
                problems_total: seq.next_element()?.ok_or_else(missing)?,
                problems: seq.next_element()?.ok_or_else(missing)?,
                strings: seq.next_element()?.ok_or_else(missing)?,
            };
            seq.next_element_seed(Rows {
                head: &head,
                each: self.each,
                refused: self.refused,
                _row: PhantomData::<R>,
            })?
            .ok_or_else(missing)?;
            Ok(head)
        }
    }

    let mut refused = None;
    let mut d = postcard::Deserializer::from_bytes(body);
    // Body's fields, in order: postcard writes a struct as a tuple.
    let decoded = (&mut d).deserialize_tuple(
        6,
        BodyVisitor {
            each: &mut each,
            refused: &mut refused,
            _row: PhantomData::<R>,
        },
    );
    if let Some(e) = refused {
        return Err(e);
    }
    let head =
        decoded.map_err(|e| StateError::Damaged(format!("its body does not decode ({e})")))?;
    let rest = d
        .finalize()
        .map_err(|e| StateError::Damaged(format!("its body does not decode ({e})")))?;
    if !rest.is_empty() {
        return Err(StateError::Damaged(format!(
            "{} bytes follow its body",
            rest.len()
        )));
    }
    Ok(head)
}

/// The ledger a state is of (its header checked, and its checksum).
///
/// ```
/// use govtally::{Dataset, Options, Tally};
///
/// let mut t = Tally::new(Dataset::Legality, &Options { keep_state: true, ..Options::default() })?;
/// t.feed("审查编号,文件类型,收文日期\nH1,合同,2023-05-04\n".as_bytes())?;
/// let state = t.save_state()?;
/// assert_eq!(govtally::state::dataset_of(&state)?, Dataset::Legality);
/// assert!(govtally::state::dataset_of(b"id,date\n").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn dataset_of(state: &[u8]) -> Result<Dataset, StateError> {
    open(state).map(|(d, _)| d)
}

/// What a state holds, besides its rows: its ledger, what decides its
/// figures, and the inputs it took ([`info`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateInfo {
    /// The ledger.
    pub dataset: Dataset,
    /// The period it was tallied for; None when the period is inferred
    /// from the data.
    pub period: Option<crate::Period>,
    /// Its rounding.
    pub rounding: Rounding,
    /// Its extra header aliases (header, key), sorted.
    pub aliases: Vec<(String, String)>,
    /// The bad-row policy it was tallied under.
    pub on_bad_row: crate::BadRowPolicy,
    /// The inputs it took, in order: `(file, sheet)`.
    pub inputs: Vec<(String, Option<String>)>,
}

impl StateInfo {
    /// Options that agree with the state on what decides figures, with its
    /// bad-row policy (the other options are `base`'s): what a tally
    /// resuming it needs.
    pub fn options(&self, base: &Options) -> Options {
        Options {
            period: self.period,
            rounding: self.rounding,
            aliases: self.aliases.clone(),
            on_bad_row: self.on_bad_row,
            ..base.clone()
        }
    }
}

/// The start of a body: a state's settings and inputs, readable without
/// its ledger's row type.
#[derive(Deserialize)]
struct Settled {
    settings: Settings,
    inputs: Vec<Input>,
}

/// What a state holds (its header and checksum checked): ledger, period,
/// rounding, aliases, inputs.
///
/// ```
/// use govtally::{Dataset, Options, Tally};
///
/// let o = Options { keep_state: true, ..Options::default().year(2023)? };
/// let mut t = Tally::new(Dataset::Legality, &o)?;
/// t.begin_file("1月.csv")?;
/// t.feed("审查编号,文件类型,收文日期\nH1,合同,2023-05-04\n".as_bytes())?;
/// let info = govtally::state::info(&t.save_state()?)?;
/// assert_eq!(info.dataset, Dataset::Legality);
/// assert_eq!(info.period, o.period);
/// assert_eq!(info.inputs, [("1月.csv".to_string(), None)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn info(state: &[u8]) -> Result<StateInfo, StateError> {
    let (dataset, body) = open(state)?;
    let (head, _) = postcard::take_from_bytes::<Settled>(body)
        .map_err(|e| StateError::Damaged(format!("its body does not decode ({e})")))?;
    let damaged = || StateError::Damaged("its settings are not valid".to_string());
    let period = match head.settings.period {
        None => None,
        Some((a, b)) => Some(
            crate::Period::new(
                kept::date(a).ok_or_else(damaged)?,
                kept::date(b).ok_or_else(damaged)?,
            )
            .map_err(|_| damaged())?,
        ),
    };
    let rounding = match head.settings.rounding {
        0 => Rounding::HalfAwayFromZero,
        1 => Rounding::HalfEven,
        _ => return Err(damaged()),
    };
    Ok(StateInfo {
        dataset,
        period,
        rounding,
        aliases: head.settings.aliases,
        on_bad_row: if head.settings.skip_bad_rows {
            crate::BadRowPolicy::Skip
        } else {
            crate::BadRowPolicy::Fail
        },
        inputs: head.inputs.into_iter().map(|i| (i.name, i.sheet)).collect(),
    })
}

/// What bytes that are not a state look like, for the message.
fn not_a_state(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(64)];
    let texty = std::str::from_utf8(head)
        .map(|s| {
            !s.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        })
        .unwrap_or(false)
        || head.starts_with(&[0xEF, 0xBB, 0xBF]);
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "it is a workbook (tally it as an input; a state is written by --save-state)".to_string()
    } else if texty {
        "it is text (a CSV export or a report?); a state is written by --save-state".to_string()
    } else {
        "it does not start with the state's magic bytes GVTSTATE".to_string()
    }
}
