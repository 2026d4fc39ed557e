//! Saved tallies (docs/state.md): resume chains, merge orders and merge
//! trees give the report of one run over the same inputs in the same order
//! — figures, every row count, the per-file accounting and the problems —
//! whatever the thread count; the same input twice is refused; damaged
//! states are refused with a clear message.

use std::path::{Path, PathBuf};

use govtally::state::StateError;
use govtally::{BadRowPolicy, Dataset, Error, FileError, Options, Report, Tally};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
}

/// The sample of each ledger, decoded to UTF-8 text.
fn sample_text(dataset: Dataset) -> String {
    let name = match dataset {
        Dataset::Legality => "合法性审查台账2023.csv",
        Dataset::Inspections => "双随机抽查记录2023.csv",
        Dataset::Complaints => "信访咨询件登记2023.csv",
        Dataset::Enforcement => "劳动保障监察执法台账2023.csv",
        Dataset::Normative => "行政规范性文件管理台账.csv",
        Dataset::Disputes => "劳动人事争议案件台账2021-2023.csv",
        Dataset::Reconsideration => "行政复议与行政诉讼案件台账2022-2023.csv",
        Dataset::Proposals => "建议提案办理台账2022-2023.csv",
    };
    let bytes = std::fs::read(data(name)).unwrap();
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).unwrap();
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let (t, _, bad) = encoding_rs::UTF_16LE.decode(&bytes);
        assert!(!bad);
        return t.into_owned();
    }
    if let Ok(s) = String::from_utf8(bytes.clone()) {
        return s;
    }
    let (t, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad);
    t.into_owned()
}

/// `text` (a header line, then records) cut into `n` pieces at record
/// boundaries chosen by `seed`, each piece with the header: a line break
/// is a record boundary when an even number of quotes comes before it.
fn pieces(text: &str, n: usize, seed: u64) -> Vec<String> {
    let (header, body) = text.split_once('\n').unwrap();
    let mut bounds = vec![0];
    let mut quotes = 0;
    for (i, c) in body.char_indices() {
        match c {
            '"' => quotes += 1,
            '\n' if quotes % 2 == 0 && i + 1 < body.len() => bounds.push(i + 1),
            _ => {}
        }
    }
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut cuts: Vec<usize> = (1..n)
        .map(|_| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            bounds[(rng % bounds.len() as u64) as usize]
        })
        .collect();
    cuts.push(0);
    cuts.push(body.len());
    cuts.sort_unstable();
    cuts.windows(2)
        .map(|w| format!("{header}\n{}", &body[w[0]..w[1]]))
        .collect()
}

fn options(threads: usize) -> Options {
    Options {
        on_bad_row: BadRowPolicy::Skip,
        threads: Some(threads),
        // Small blocks, so that the pieces go through the threads' batches.
        block_bytes: 1 << 10,
        keep_state: true,
        ..Options::default().year(2023).unwrap()
    }
}

fn feed(t: &mut Tally, name: &str, text: &str) {
    t.begin_file(name).unwrap();
    t.feed(text.as_bytes()).unwrap();
    t.end_file().unwrap();
}

/// One run over the pieces in order.
fn one_run(dataset: Dataset, pieces: &[String], o: &Options) -> Report {
    let mut t = Tally::new(dataset, o).unwrap();
    for (i, p) in pieces.iter().enumerate() {
        feed(&mut t, &format!("piece{i}.csv"), p);
    }
    t.finish().unwrap()
}

/// The state of one piece tallied alone.
fn state_of(dataset: Dataset, i: usize, piece: &str, o: &Options) -> Vec<u8> {
    let mut t = Tally::new(dataset, o).unwrap();
    feed(&mut t, &format!("piece{i}.csv"), piece);
    t.save_state().unwrap()
}

/// The merge of `states` in order, as a state.
fn merged(states: &[Vec<u8>], o: &Options) -> Vec<u8> {
    let mut t = Tally::resume("s0", &states[0], o).unwrap();
    for (i, s) in states[1..].iter().enumerate() {
        t.merge_state(&format!("s{}", i + 1), s).unwrap();
    }
    t.save_state().unwrap()
}

fn report_of(state: &[u8], o: &Options) -> Report {
    Tally::resume("state", state, o).unwrap().finish().unwrap()
}

#[test]
fn every_ledger_resumed_piece_by_piece_equals_one_run() {
    for dataset in Dataset::ALL {
        let text = sample_text(dataset);
        for (n, seed) in [(2, 1), (5, 2), (9, 3)] {
            let ps = pieces(&text, n, seed);
            for threads in [1, 2, 4] {
                let o = options(threads);
                let want = one_run(dataset, &ps, &o);
                // Resume chain: a state after every piece, the next run
                // resuming it.
                let mut state = state_of(dataset, 0, &ps[0], &o);
                for (i, p) in ps.iter().enumerate().skip(1) {
                    let mut t = Tally::resume("chain", &state, &o).unwrap();
                    feed(&mut t, &format!("piece{i}.csv"), p);
                    state = t.save_state().unwrap();
                }
                assert_eq!(
                    report_of(&state, &o),
                    want,
                    "{dataset} n={n} threads={threads}"
                );
            }
        }
    }
}

#[test]
fn every_ledger_merged_in_chains_and_trees_equals_one_run() {
    for dataset in Dataset::ALL {
        let text = sample_text(dataset);
        let ps = pieces(&text, 6, 11);
        for threads in [1, 3] {
            let o = options(threads);
            let want = one_run(dataset, &ps, &o);
            let states: Vec<Vec<u8>> = ps
                .iter()
                .enumerate()
                .map(|(i, p)| state_of(dataset, i, p, &o))
                .collect();
            // A chain: ((((0+1)+2)+3)+4)+5.
            assert_eq!(report_of(&merged(&states, &o), &o), want, "{dataset} chain");
            // A tree: ((0+1)+(2+3))+(4+5).
            let a = merged(&states[0..2], &o);
            let b = merged(&states[2..4], &o);
            let c = merged(&states[4..6], &o);
            let ab = merged(&[a, b], &o);
            assert_eq!(
                report_of(&merged(&[ab, c.clone()], &o), &o),
                want,
                "{dataset} tree"
            );
            // Right-leaning: 0+(1+(2+(3+(4+5)))).
            let mut right = states[5].clone();
            for s in states[..5].iter().rev() {
                right = merged(&[s.clone(), right], &o);
            }
            assert_eq!(report_of(&right, &o), want, "{dataset} right tree");
        }
    }
}

#[test]
fn the_pieces_give_the_whole_files_figures() {
    // Cutting a file changes its per-file accounting and line numbers, not
    // its figures or row totals.
    for dataset in Dataset::ALL {
        let text = sample_text(dataset);
        let o = options(2);
        let whole = one_run(dataset, std::slice::from_ref(&text), &o);
        let ps = pieces(&text, 4, 7);
        let states: Vec<Vec<u8>> = ps
            .iter()
            .enumerate()
            .map(|(i, p)| state_of(dataset, i, p, &o))
            .collect();
        let r = report_of(&merged(&states, &o), &o);
        assert_eq!(r.figures, whole.figures, "{dataset}");
        assert_eq!(r.rows.counted, whole.rows.counted, "{dataset}");
        assert_eq!(r.rows.duplicates, whole.rows.duplicates, "{dataset}");
        assert_eq!(r.rows.rejected, whole.rows.rejected, "{dataset}");
        assert_eq!(r.problems.total, whole.problems.total, "{dataset}");
        assert_eq!(r.files.len(), 4);
    }
}

const HEADER: &str = "登记编号,登记日期,来源渠道,问题类别,件类型\n";

#[test]
fn an_id_in_two_states_counts_once_with_the_first_states_row() {
    let o = options(1);
    // A2 is 2023 in the first state and 2022 in the second: merged in that
    // order it counts in 2023, the other way round in 2022.
    let a = format!("{HEADER}A1,2023-01-05,来信,欠薪,信访件\nA2,2023-02-01,来信,欠薪,信访件\n");
    let b = format!("{HEADER}A2,2022-02-01,来访,社保,咨询件\nA3,2023-03-01,来访,社保,咨询件\n");
    let sa = state_of(Dataset::Complaints, 0, &a, &o);
    let sb = state_of(Dataset::Complaints, 1, &b, &o);
    let ab = report_of(&merged(&[sa.clone(), sb.clone()], &o), &o);
    assert_eq!(ab.figure("total.current"), Some(3.into()));
    assert_eq!(ab.figure("total.previous"), Some(0.into()));
    assert_eq!(ab.figure("by_category.欠薪.current"), Some(2.into()));
    assert_eq!(ab.rows.duplicates, 1);
    assert_eq!(ab.files[1].rows.duplicates, 1);
    assert_eq!(ab.files[0].rows.counted, 2);
    assert_eq!(ab.files[1].rows.counted, 1);
    let ba = report_of(&merged(&[sb, sa], &o), &o);
    assert_eq!(ba.figure("total.current"), Some(2.into()));
    assert_eq!(ba.figure("total.previous"), Some(1.into()));
    assert_eq!(ba.figure("by_category.欠薪.current"), Some(1.into()));
    assert_eq!(ba.files[1].rows.duplicates, 1);
}

#[test]
fn the_period_inferred_from_several_states_is_one_runs() {
    let o = Options {
        period: None,
        ..options(1)
    };
    let a = format!("{HEADER}A1,2022-01-05,来信,欠薪,信访件\nA2,2022-12-01,来信,欠薪,信访件\n");
    let b = format!("{HEADER}A3,2023-03-01,来访,社保,咨询件\n");
    let ps = [a, b];
    let want = one_run(Dataset::Complaints, &ps, &o);
    assert_eq!(want.period.start.to_string(), "2023-01-01");
    assert!(want.period.inferred);
    assert_eq!(want.figure("total.previous"), Some(2.into()));
    let states: Vec<Vec<u8>> = ps
        .iter()
        .enumerate()
        .map(|(i, p)| state_of(Dataset::Complaints, i, p, &o))
        .collect();
    assert_eq!(report_of(&merged(&states, &o), &o), want);
}

#[test]
fn problems_and_their_limit_follow_the_inputs_order() {
    let o = Options {
        limits: govtally::Limits {
            max_problems: 3,
            ..govtally::Limits::default()
        },
        ..options(1)
    };
    let a = format!("{HEADER}A1,2023-13-05,来信,欠薪,信访件\nA2,bad,来信,欠薪,信访件\n");
    let b = format!("{HEADER}B1,2023-99-01,来访,社保,咨询件\nB2,x,来访,社保,咨询件\n");
    let ps = [a, b];
    let want = one_run(Dataset::Complaints, &ps, &o);
    assert_eq!(want.problems.total, 4);
    assert_eq!(want.problems.items.len(), 3);
    assert_eq!(want.problems.items[2].file, "piece1.csv");
    let states: Vec<Vec<u8>> = ps
        .iter()
        .enumerate()
        .map(|(i, p)| state_of(Dataset::Complaints, i, p, &o))
        .collect();
    assert_eq!(report_of(&merged(&states, &o), &o), want);
    // Under the fail policy the merged tally fails as one run would.
    let fail = Options {
        on_bad_row: BadRowPolicy::Fail,
        ..o.clone()
    };
    let t = Tally::resume("m", &merged(&states, &o), &fail).unwrap();
    match t.finish() {
        Err(Error::Rejected { rows, total, .. }) => assert_eq!((rows, total), (4, 4)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_same_input_twice_is_refused() {
    let o = options(1);
    let a = format!("{HEADER}A1,2023-01-05,来信,欠薪,信访件\n");
    let sa = state_of(Dataset::Complaints, 0, &a, &o);
    // Resumed, then fed the same bytes under another name.
    let mut t = Tally::resume("a.state", &sa, &o).unwrap();
    t.begin_file("copy.csv").unwrap();
    t.feed(a.as_bytes()).unwrap();
    match t.end_file() {
        Err(Error::File {
            file,
            error: FileError::SameInput { earlier },
        }) => {
            assert_eq!(file, "copy.csv");
            assert_eq!(earlier, "piece0.csv");
        }
        other => panic!("{other:?}"),
    }
    // Merged with itself, or with a state that holds it.
    let mut t = Tally::resume("a.state", &sa, &o).unwrap();
    let e = t.merge_state("again.state", &sa).unwrap_err();
    assert!(
        e.to_string()
            .contains("piece0.csv (in again.state): holds the same bytes as piece0.csv"),
        "{e}"
    );
    // The refused state left the tally as it was.
    let r = t.finish().unwrap();
    assert_eq!(r.rows.read, 1);
    assert_eq!(r.files.len(), 1);
    // In one run that keeps state, too.
    let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
    feed(&mut t, "a.csv", &a);
    t.begin_file("b.csv").unwrap();
    t.feed(a.as_bytes()).unwrap();
    assert!(t.end_file().is_err());
    // Header-only inputs take no row: two alike are not refused.
    let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
    feed(&mut t, "empty1.csv", HEADER);
    feed(&mut t, "empty2.csv", HEADER);
    feed(&mut t, "a.csv", &a);
    assert_eq!(t.finish().unwrap().files.len(), 3);
}

#[test]
fn id_prefixes_keep_districts_apart() {
    let a = format!("{HEADER}A1,2023-01-05,来信,欠薪,信访件\nA2,2023-01-06,来信,欠薪,信访件\n");
    let b = format!("{HEADER}A1,2023-02-05,来访,社保,咨询件\nA3,2023-02-06,来访,社保,咨询件\n");
    let plain = options(1);
    let sa = state_of(Dataset::Complaints, 0, &a, &plain);
    let sb = state_of(Dataset::Complaints, 1, &b, &plain);
    let r = report_of(&merged(&[sa, sb], &plain), &plain);
    assert_eq!(r.figure("total.current"), Some(3.into()));
    assert_eq!(r.rows.duplicates, 1);
    let district = |p: &str| Options {
        id_prefix: Some(p.to_string()),
        ..options(1)
    };
    let sa = state_of(Dataset::Complaints, 0, &a, &district("余杭"));
    let sb = state_of(Dataset::Complaints, 1, &b, &district("临平"));
    let r = report_of(&merged(&[sa, sb], &plain), &plain);
    assert_eq!(r.figure("total.current"), Some(4.into()));
    assert_eq!(r.rows.duplicates, 0);
}

#[test]
fn workbook_inputs_keep_their_sheets_and_identity() {
    let wb = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbooks/complaints.xlsx");
    let o = Options {
        period: None,
        ..options(2)
    };
    let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
    t.feed_file(&wb).unwrap();
    let state = t.save_state().unwrap();
    let mut one = Tally::new(Dataset::Complaints, &o).unwrap();
    one.feed_file(&wb).unwrap();
    let want = one.finish().unwrap();
    assert!(want.files[0].sheet.is_some());
    assert_eq!(report_of(&state, &o), want);
    let mut again = Tally::resume("wb.state", &state, &o).unwrap();
    match again.feed_file(&wb) {
        Err(Error::File {
            error: FileError::SameInput { .. },
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

fn state_error(r: govtally::Result<Tally>) -> StateError {
    match r {
        Err(Error::State { error, .. }) => error,
        Err(other) => panic!("not a state error: {other}"),
        Ok(_) => panic!("taken"),
    }
}

fn small_state() -> (Vec<u8>, Options) {
    let o = options(1);
    let a = format!(
        "{HEADER}A1,2023-01-05,来信,欠薪,信访件\nA2,2022-02-01,来访,社保,咨询件\nA2,2023-02-01,来访,社保,咨询件\nA3,bad,来访,社保,\n"
    );
    (state_of(Dataset::Complaints, 0, &a, &o), o)
}

#[test]
fn damaged_states_are_refused_never_misread() {
    let (state, o) = small_state();
    let want = report_of(&state, &o);
    assert_eq!(state_error(Tally::resume("s", &[], &o)), StateError::Empty);
    let csv = format!("{HEADER}A1,2023-01-05,来信,欠薪,信访件\n");
    let e = state_error(Tally::resume("s", csv.as_bytes(), &o));
    assert!(
        e.to_string()
            .contains("is not a govtally state: it is text"),
        "{e}"
    );
    // Every truncation.
    for len in 1..state.len() {
        let e = state_error(Tally::resume("s", &state[..len], &o));
        assert!(
            matches!(e, StateError::Truncated { .. } | StateError::NotAState(_)),
            "{len}: {e}"
        );
    }
    // Every byte flipped, bit by bit: refused, or (the reserved header
    // bytes) read as it was.
    for i in 0..state.len() {
        for bit in 0..8 {
            let mut s = state.clone();
            s[i] ^= 1 << bit;
            match Tally::resume("s", &s, &o) {
                Ok(t) => {
                    assert!((12..16).contains(&i), "byte {i} bit {bit} was taken");
                    assert_eq!(t.finish().unwrap(), want);
                }
                Err(Error::State { .. }) => {}
                Err(e) => panic!("byte {i}: {e}"),
            }
        }
    }
    // Bytes after the end.
    let mut long = state.clone();
    long.push(0);
    assert!(matches!(
        state_error(Tally::resume("s", &long, &o)),
        StateError::Damaged(_)
    ));
}

#[test]
fn states_of_other_versions_ledgers_and_settings_are_refused() {
    let (state, o) = small_state();
    let mut v2 = state.clone();
    v2[8] = 2;
    assert_eq!(
        state_error(Tally::resume("s", &v2, &o)),
        StateError::Version {
            found: 2,
            supported: 1
        }
    );
    let mut t = Tally::new(Dataset::Legality, &o).unwrap();
    match t.merge_state("c.state", &state) {
        Err(Error::State {
            state,
            error: StateError::Dataset { state: s, tally },
        }) => assert_eq!(
            (state.as_str(), s.as_str(), tally.as_str()),
            ("c.state", "complaints", "legality")
        ),
        other => panic!("{other:?}"),
    }
    let e = state_error(Tally::resume(
        "s",
        &state,
        &Options {
            period: None,
            ..o.clone()
        },
    ));
    assert!(
        e.to_string()
            .contains("was tallied with period 2023-01-01 to 2023-12-31"),
        "{e}"
    );
    let e = state_error(Tally::resume(
        "s",
        &state,
        &Options {
            rounding: govtally::Rounding::HalfEven,
            ..o.clone()
        },
    ));
    assert!(
        matches!(
            e,
            StateError::Settings {
                what: "rounding",
                ..
            }
        ),
        "{e}"
    );
    let e = state_error(Tally::resume(
        "s",
        &state,
        &Options {
            aliases: vec![("编号2".into(), "complaint_id".into())],
            ..o.clone()
        },
    ));
    assert!(
        matches!(
            e,
            StateError::Settings {
                what: "aliases",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_tally_that_keeps_no_state_cannot_save_one() {
    let mut t = Tally::new(Dataset::Complaints, &Options::default()).unwrap();
    t.feed(format!("{HEADER}A1,2023-01-05,,,\n").as_bytes())
        .unwrap();
    let e = t.save_state().unwrap_err().to_string();
    assert!(e.contains("keep_state"), "{e}");
}

/// docs/state.md: at most 32 bytes per distinct complaint id.
#[test]
fn a_complaints_state_takes_at_most_32_bytes_per_distinct_id() {
    let mut csv = String::from(HEADER);
    let channels = ["来信", "来访", "12345热线", "网上信访", "电话"];
    for i in 0..100_000u32 {
        csv.push_str(&format!(
            "YHXF2023{:07},2023-{:02}-{:02} 09:30,{},类别{},{}\n",
            i,
            i % 12 + 1,
            i % 28 + 1,
            channels[i as usize % 5],
            i % 300,
            if i % 3 == 0 { "咨询件" } else { "信访件" }
        ));
    }
    let o = options(2);
    let state = state_of(Dataset::Complaints, 0, &csv, &o);
    let per_id = state.len() as f64 / 100_000.0;
    eprintln!("{} bytes, {per_id:.1} bytes per distinct id", state.len());
    assert!(per_id <= 32.0, "{per_id} bytes per id");
}

/// A state whose checksum matches but whose rows do not (crafted): refused
/// with the reason, and the tally it was half taken into is refused from
/// then on rather than finishing on half a state.
#[test]
fn a_crafted_state_is_refused_and_retires_the_tally() {
    let (mut state, o) = small_state();
    // The body's last byte is the last kept row's kind (a value index).
    let last = state.len() - 1;
    state[last] = 200;
    let sum = xxhash_rust::xxh3::xxh3_64(&state[32..]);
    state[24..32].copy_from_slice(&sum.to_le_bytes());
    let e = state_error(Tally::resume("crafted", &state, &o));
    assert!(e.to_string().contains("no text, date or value"), "{e}");
    let mut t = Tally::new(Dataset::Complaints, &o).unwrap();
    feed(
        &mut t,
        "a.csv",
        &format!("{HEADER}Z1,2023-01-05,来信,欠薪,信访件\n"),
    );
    assert!(t.merge_state("crafted", &state).is_err());
    let e = t.finish().unwrap_err().to_string();
    assert!(e.contains("this tally cannot be used"), "{e}");
}
