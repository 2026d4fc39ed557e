//! Deterministic in-memory ledger exports for the benchmarks.
//!
//! No data files are checked in: every benchmark input is generated here
//! from a fixed seed with a small xorshift generator, so the same bytes come
//! out on every machine. Rows look like real exports (spec §2.1–§2.3):
//! Chinese headers, ids such as `XF2023000000123`, timestamps such as
//! `2023-03-04 09:15:02`, the vocabularies the spec lists, dates over 2022
//! and 2023 (so a `--year 2023` tally has out-of-period rows and, for
//! complaints, a previous period), a few repeated ids and quoted fields.
//!
//! Size: each generator stops at the first row boundary past `target`
//! bytes. `bench_bytes()` is 32 MiB unless `GOVTALLY_BENCH_MB` says
//! otherwise.

#![allow(dead_code)]

use std::fmt::Write as _;

/// Bytes of generated CSV per benchmark case.
pub fn bench_bytes() -> usize {
    std::env::var("GOVTALLY_BENCH_MB")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(32)
        << 20
}

/// xorshift64* — tiny, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        (self.next_u64() >> 11) % n
    }

    /// True with probability `pct` percent.
    pub fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks from `(weight, value)` pairs.
    pub fn weighted<'a, T>(&mut self, items: &'a [(u32, T)]) -> &'a T {
        let total: u64 = items.iter().map(|(w, _)| *w as u64).sum();
        let mut r = self.below(total);
        for (w, v) in items {
            if r < *w as u64 {
                return v;
            }
            r -= *w as u64;
        }
        &items[items.len() - 1].1
    }
}

/// Day `0..730` of 2022–2023 (neither is a leap year) as (year, month, day).
pub fn civil(day: u64) -> (u32, u32, u32) {
    const LEN: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let year = 2022 + (day / 365) as u32;
    let mut d = day % 365;
    let mut m = 0;
    while d >= LEN[m] {
        d -= LEN[m];
        m += 1;
    }
    (year, m as u32 + 1, d as u32 + 1)
}

/// Days in 2022 + 2023.
pub const DAYS_2Y: u64 = 730;

pub const CHANNELS: &[&str] = &["来信", "来访", "网上信访", "12345热线", "12333热线"];
pub const CATEGORIES: &[&str] = &[
    "欠薪",
    "社会保险",
    "工伤认定",
    "劳动关系",
    "就业创业",
    "人才人事",
    "其他",
];
pub const KINDS: &[&str] = &["信访件", "咨询件"];

/// 信访咨询件登记 (spec §2.3), as the register exports it:
/// `登记编号,登记时间,来源渠道,问题类别,件类型`, one row per item, UTF-8, LF.
/// Timestamps are uniform over 2022-01-01 00:00:00 – 2023-12-31 23:59:59;
/// ids are `XF` + the year + a 9-digit serial (unique).
pub fn complaints(target: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(target + 256);
    s.push_str("登记编号,登记时间,来源渠道,问题类别,件类型\n");
    let mut i: u64 = 0;
    while s.len() < target {
        let secs = rng.below(DAYS_2Y * 86_400);
        let (y, mo, d) = civil(secs / 86_400);
        let t = secs % 86_400;
        let _ = writeln!(
            s,
            "XF{y}{i:09},{y}-{mo:02}-{d:02} {:02}:{:02}:{:02},{},{},{}",
            t / 3600,
            t / 60 % 60,
            t % 60,
            rng.pick(CHANNELS),
            rng.pick(CATEGORIES),
            rng.pick(KINDS),
        );
        i += 1;
    }
    s
}

const DEPARTMENTS: &[&str] = &[
    "办公室",
    "政策法规科",
    "社会保险科",
    "劳动关系科",
    "就业促进科",
    "人才开发科",
    "工伤保险科",
    "财务审计科",
    "劳动保障监察大队",
];

const CONTRACT_TITLES: &[&str] = &[
    "年度办公用品采购合同",
    "社保经办窗口服务外包合同",
    "人力资源市场场地租赁合同",
    "信息系统运维服务合同",
    "职业技能培训委托协议",
    "档案数字化加工服务合同",
    "就业见习基地合作协议",
    "劳动人事争议调解中心物业服务合同",
];

const DOC_TITLES: &[&str] = &[
    "关于进一步做好稳就业工作的实施意见",
    "工伤保险待遇调整办法",
    "关于规范劳务派遣用工管理的通知",
    "高层次人才引进补贴实施细则",
    "根治欠薪工作考核办法",
];

/// 合法性审查台账 (spec §2.1): `审查编号,文件名称,文件类型,送审科室,收文日期,
/// 审结日期,审查意见数,审查结论`. Received dates over 2022–2023 in the
/// formats clerks type (`2023-03-05`, `2023/3/5`, `2023年3月5日`); about 8%
/// pending (empty 审结日期); 1% of rows repeat the previous row (a re-export);
/// 2% of titles are quoted and contain a comma.
pub fn legality(target: usize, seed: u64) -> String {
    let doc_types: &[(u32, &str)] = &[
        (70, "行政合同"),
        (5, "合同"),
        (10, "规范性文件"),
        (3, "行政规范性文件"),
        (4, "重大行政决策"),
        (8, "其他"),
    ];
    let conclusions: &[(u32, &str)] = &[
        (50, "同意"),
        (5, "通过"),
        (5, "合法"),
        (20, "修改后同意"),
        (5, "原则同意"),
        (3, "修改后通过"),
        (2, "不同意"),
        (1, "不予通过"),
        (1, "不合法"),
        (8, ""),
    ];
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(target + 512);
    s.push_str("审查编号,文件名称,文件类型,送审科室,收文日期,审结日期,审查意见数,审查结论\n");
    let mut seq: u64 = 0;
    let mut last = 0..0;
    while s.len() < target {
        if seq > 0 && rng.pct(1) {
            let again = s[last.clone()].to_string();
            s.push_str(&again);
            continue;
        }
        let start = s.len();
        let day = rng.below(DAYS_2Y);
        let (y, mo, d) = civil(day);
        seq += 1;
        let doc_type = *rng.weighted(doc_types);
        let title = match doc_type {
            "行政合同" | "合同" => format!("{y}年度{}", rng.pick(CONTRACT_TITLES)),
            _ => rng.pick(DOC_TITLES).to_string(),
        };
        let _ = write!(s, "HFX-{y}-{seq:06},");
        if rng.pct(2) {
            let _ = write!(s, "\"{title},附件{}\",", rng.below(5) + 1);
        } else {
            let _ = write!(s, "{title},");
        }
        let _ = write!(s, "{doc_type},{},", rng.pick(DEPARTMENTS));
        match rng.below(20) {
            0 => {
                let _ = write!(s, "{y}年{mo}月{d}日,");
            }
            1 | 2 => {
                let _ = write!(s, "{y}/{mo}/{d},");
            }
            _ => {
                let _ = write!(s, "{y}-{mo:02}-{d:02},");
            }
        }
        if rng.pct(92) {
            let done = day + rng.below(30);
            if done < DAYS_2Y {
                let (y2, m2, d2) = civil(done);
                let _ = write!(s, "{y2}-{m2:02}-{d2:02}");
            } else {
                let _ = write!(s, "2024-01-{:02}", done - DAYS_2Y + 1);
            }
        }
        s.push(',');
        if !rng.pct(10) {
            let _ = write!(s, "{}", rng.below(13));
        }
        let _ = writeln!(s, ",{}", rng.weighted(conclusions));
        last = start..s.len();
    }
    s
}

const TASK_NAMES: &[&str] = &[
    "根治欠薪冬季专项抽查",
    "人力资源服务机构年度抽查",
    "劳务派遣单位经营情况抽查",
    "用人单位遵守劳动保障法律法规情况抽查",
    "职业技能培训机构办学情况抽查",
    "社会保险费缴纳情况抽查",
];

const PARTNERS: &[&str] = &[
    "区住建局",
    "区司法局",
    "区市场监管局",
    "区税务局",
    "区总工会",
    "区综合执法局",
];

const PLACES: &[&str] = &["杭州", "余杭", "良渚", "仓前", "未来科技城", "闲林", "瓶窑"];
const TRADES: &[&str] = &[
    "正泰物业管理",
    "安信人力资源",
    "恒达建设工程",
    "汇通劳务派遣",
    "启明职业培训",
    "华联商贸",
    "云栖网络科技",
    "天成餐饮管理",
];
const FORMS: &[&str] = &["有限公司", "股份有限公司", "有限责任公司"];

/// 统一社会信用代码 for company `k` of the pool: 18 characters, the regional
/// prefix of 余杭 and 10 characters from the code's alphabet.
fn credit_code(k: u64, out: &mut String) {
    const ALPHA: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    out.push_str("91330110");
    let mut x = k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66;
    for _ in 0..10 {
        out.push(ALPHA[(x % ALPHA.len() as u64) as usize] as char);
        x /= ALPHA.len() as u64;
        x ^= k.rotate_left(17);
    }
}

/// 双随机一公开抽查记录 (spec §2.2): `任务编号,任务名称,抽查日期,是否联合抽查,
/// 联合部门,统一社会信用代码,检查对象,检查结果`, one row per inspected object.
/// Tasks of 20–120 objects on one date in 2022–2023, 80% joint with one to
/// three partner departments (`区住建局、区司法局`); objects drawn from a pool of
/// 50,000 companies, so objects are inspected in several tasks (and, rarely,
/// twice in one task: a duplicate).
pub fn inspections(target: usize, seed: u64) -> String {
    let results: &[(u32, &str)] = &[
        (60, "未发现问题"),
        (15, "正常"),
        (2, "合格"),
        (8, "责令整改"),
        (5, "发现问题已整改"),
        (2, "立案查处"),
        (3, "无法联系"),
        (5, ""),
    ];
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(target + (16 << 10));
    s.push_str(
        "任务编号,任务名称,抽查日期,是否联合抽查,联合部门,统一社会信用代码,检查对象,检查结果\n",
    );
    let mut task: u64 = 0;
    let mut partners = String::new();
    while s.len() < target {
        task += 1;
        let (y, mo, d) = civil(rng.below(DAYS_2Y));
        let name = rng.pick(TASK_NAMES);
        let joint = rng.pct(80);
        partners.clear();
        if joint {
            let first = rng.below(PARTNERS.len() as u64) as usize;
            for j in 0..=rng.below(3) as usize {
                if j > 0 {
                    partners.push('、');
                }
                partners.push_str(PARTNERS[(first + j) % PARTNERS.len()]);
            }
        }
        let flag = if joint { "是" } else { "否" };
        for _ in 0..20 + rng.below(101) {
            let k = rng.below(50_000);
            let _ = write!(
                s,
                "SJ{y}-{task:05},{name},{y}-{mo:02}-{d:02},{flag},{partners},"
            );
            credit_code(k, &mut s);
            let _ = writeln!(
                s,
                ",{}{}{}{},{}",
                PLACES[(k % 7) as usize],
                TRADES[(k / 7 % 8) as usize],
                k / 56 % 100,
                FORMS[(k % 3) as usize],
                rng.weighted(results)
            );
        }
    }
    s
}

/// The same text as GB18030 (what Excel on a Chinese Windows writes).
pub fn to_gb18030(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// The same text as UTF-16LE with a BOM (Excel's "Unicode text").
pub fn to_utf16le(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2 + 2);
    out.extend_from_slice(&[0xFF, 0xFE]);
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// Tallies `data` (one whole buffer, or `chunk`-byte pieces) and returns the
/// report; panics on any error, so a benchmark never measures a failure.
pub fn tally(
    dataset: govtally::Dataset,
    options: &govtally::Options,
    data: &[u8],
    chunk: Option<usize>,
) -> govtally::Report {
    let mut t = govtally::Tally::new(dataset, options).expect("tally");
    match chunk {
        None => t.feed(data).expect("feed"),
        Some(n) => {
            for c in data.chunks(n) {
                t.feed(c).expect("feed");
            }
        }
    }
    t.finish().expect("finish")
}

/// Checks once, outside the timing, that generated data tallies cleanly.
pub fn check(report: &govtally::Report) {
    assert_eq!(report.rows.rejected, 0, "generated rows were rejected");
    assert!(report.rows.balanced(), "{:?}", report.rows);
    assert!(report.rows.counted > 0);
}

/// `2023` as options, with `threads` workers when given.
pub fn options(threads: Option<usize>) -> govtally::Options {
    let o = govtally::Options::default().year(2023).expect("year");
    match threads {
        Some(n) => o.threads(n),
        None => o,
    }
}

/// A date of 2022–2023 as `YYYY-MM-DD`.
fn ymd(day: u64) -> String {
    let (y, m, d) = civil(day.min(DAYS_2Y - 1));
    format!("{y}-{m:02}-{d:02}")
}

/// 劳动保障监察执法台账 (spec §2.5): `文书编号,决定日期,执法类型,对象类型,
/// 证件号码,当事人,工程项目,金额`; decision numbers such as
/// `余人社监〔2023〕第01234号`, enterprise credit codes and persons' identity
/// numbers (a few thousand targets, each acted on many times), amounts in
/// several written forms.
pub fn enforcement(target: usize, seed: u64) -> String {
    const TYPES: &[(u32, &str)] = &[
        (30, "行政处理决定"),
        (25, "行政处罚"),
        (20, "信用扣分"),
        (10, "约谈"),
        (2, "移送公安"),
        (5, "欠薪隐患化解"),
        (8, "其他"),
    ];
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(target + 256);
    s.push_str("文书编号,决定日期,执法类型,对象类型,证件号码,当事人,工程项目,金额\n");
    let mut i: u64 = 0;
    while s.len() < target {
        let day = rng.below(DAYS_2Y);
        let (y, _, _) = civil(day);
        let kind = rng.pct(80);
        let who = rng.below(5000);
        let (kind_word, id, name) = if kind {
            (
                "企业",
                format!("91330110MA2{who:07}"),
                format!("杭州某某建设有限公司{who}"),
            )
        } else {
            (
                "个人",
                format!("33011019{:02}0101{who:04}", 60 + who % 40),
                format!("劳动者{who}"),
            )
        };
        let amount = match rng.below(5) {
            0 => String::new(),
            1 => format!("{}.{:02}", rng.below(100_000), rng.below(100)),
            2 => format!("\"¥{},{:03}.50\"", 1 + rng.below(99), rng.below(1000)),
            3 => format!("{}元", rng.below(50_000)),
            _ => format!("{}", rng.below(10_000)),
        };
        let _ = writeln!(
            s,
            "余人社监〔{y}〕第{i:05}号,{},{},{kind_word},{id},{name},某某项目{},{amount}",
            ymd(day),
            rng.weighted(TYPES),
            rng.below(300),
        );
        i += 1;
    }
    s
}

/// 行政规范性文件管理台账 (spec §2.6): `文号,文件名称,发文日期,是否经合法性审查,
/// 是否公布,清理日期,清理结果`; half the documents cleaned up.
pub fn normative(target: usize, seed: u64) -> String {
    const RESULTS: &[&str] = &["继续有效", "修改", "废止", "失效", "宣布失效"];
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(target + 256);
    s.push_str("文号,文件名称,发文日期,是否经合法性审查,是否公布,清理日期,清理结果\n");
    let mut i: u64 = 0;
    while s.len() < target {
        let issued = rng.below(DAYS_2Y / 2);
        let (y, _, _) = civil(issued);
        let cleaned = if rng.pct(50) {
            format!(
                "{},{}",
                ymd(issued + rng.below(DAYS_2Y - issued)),
                rng.pick(RESULTS)
            )
        } else {
            ",".to_string()
        };
        let _ = writeln!(
            s,
            "余人社发〔{y}〕{i}号,关于印发《某某实施办法》的通知{},{},{},{},{cleaned}",
            rng.below(1000),
            ymd(issued),
            rng.pick(&["是", "否"]),
            rng.pick(&["是", "否", ""]),
        );
        i += 1;
    }
    s
}

/// 劳动人事争议案件台账 (spec §2.7): `案号,登记日期,受理机构,机构类型,处理方式,
/// 处理结果,结案日期,开庭时间,庭审方式`; case numbers such as
/// `余劳人仲案字〔2023〕第1234号`, most cases closed within weeks, a third heard.
pub fn disputes(target: usize, seed: u64) -> String {
    const VENUES: &[(&str, &str)] = &[
        ("仓前街道劳动保障驿站", "劳动保障驿站"),
        ("余杭街道调解中心", "调解中心"),
        ("区劳动人事争议仲裁院", "仲裁院"),
    ];
    const MED: &[&str] = &["调解成功", "调解成功", "调解成功", "调解不成", "撤回"];
    const ARB: &[&str] = &["裁决", "调解成功", "撤回", "不予受理"];
    const MODES: &[&str] = &["数字庭", "线上", "现场", ""];
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(target + 256);
    s.push_str("案号,登记日期,受理机构,机构类型,处理方式,处理结果,结案日期,开庭时间,庭审方式\n");
    let mut i: u64 = 0;
    while s.len() < target {
        let day = rng.below(DAYS_2Y - 120);
        let (y, _, _) = civil(day);
        let (venue, vtype) = rng.pick(VENUES);
        let arb = *vtype == "仲裁院";
        let (outcome, closed) = if rng.pct(85) {
            let o = if arb { rng.pick(ARB) } else { rng.pick(MED) };
            (*o, ymd(day + rng.below(90)))
        } else {
            ("", String::new())
        };
        let hearing = if arb && rng.pct(70) {
            let (hy, hm, hd) = civil(day + rng.below(30));
            format!(
                "{hy}-{hm:02}-{hd:02} {:02}:{:02}",
                9 + rng.below(12),
                rng.below(4) * 15
            )
        } else {
            String::new()
        };
        let mode = if hearing.is_empty() {
            ""
        } else {
            rng.pick(MODES)
        };
        let _ = writeln!(
            s,
            "余劳人仲案字〔{y}〕第{i}号,{},{venue},{vtype},{},{outcome},{closed},{hearing},{mode}",
            ymd(day),
            if arb { "仲裁" } else { "调解" },
        );
        i += 1;
    }
    s
}

/// 行政复议与行政诉讼案件台账 (spec §2.8): `案件编号,案件类型,收案日期,办理状态,
/// 审结日期,审理结果,案由,负责人出庭`.
pub fn reconsideration(target: usize, seed: u64) -> String {
    const TYPES: &[&str] = &["行政复议", "一审行政诉讼", "二审"];
    const RESULTS: &[&str] = &["维持", "驳回", "撤销", "撤诉", ""];
    const SUBJECTS: &[&str] = &["工伤认定", "工龄认定", "社会保险", "劳动监察", "信息公开"];
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(target + 256);
    s.push_str("案件编号,案件类型,收案日期,办理状态,审结日期,审理结果,案由,负责人出庭\n");
    let mut i: u64 = 0;
    while s.len() < target {
        let day = rng.below(DAYS_2Y - 200);
        let (y, _, _) = civil(day);
        let (status, concluded, result) = match rng.below(4) {
            0 => ("审理中", String::new(), ""),
            1 => ("立案前调解", String::new(), ""),
            _ => ("已审结", ymd(day + rng.below(180)), *rng.pick(RESULTS)),
        };
        let _ = writeln!(
            s,
            "（{y}）浙0110行初{i}号,{},{},{status},{concluded},{result},{},{}",
            rng.pick(TYPES),
            ymd(day),
            rng.pick(SUBJECTS),
            rng.pick(&["是", "否", ""]),
        );
        i += 1;
    }
    s
}

/// 建议提案办理台账 (spec §2.9): `建议编号,建议提案类型,承办方式,交办日期,
/// 答复期限,答复日期,满意度`.
pub fn proposals(target: usize, seed: u64) -> String {
    const TYPES: &[&str] = &["人大代表建议", "人大闭会期间代表建议", "政协委员提案"];
    const LEVELS: &[&str] = &["满意", "基本满意", "不满意", ""];
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(target + 256);
    s.push_str("建议编号,建议提案类型,承办方式,交办日期,答复期限,答复日期,满意度\n");
    let mut i: u64 = 0;
    while s.len() < target {
        let day = rng.below(DAYS_2Y - 120);
        let (y, _, _) = civil(day);
        let replied = if rng.pct(90) {
            ymd(day + rng.below(100))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "JY{y}{i:07},{},{},{},{},{replied},{}",
            rng.pick(TYPES),
            rng.pick(&["主办", "协办", "会办"]),
            ymd(day),
            ymd(day + 90),
            rng.pick(LEVELS),
        );
        i += 1;
    }
    s
}
