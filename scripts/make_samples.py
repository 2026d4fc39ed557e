#!/usr/bin/env python3
"""Regenerates the five newer sample ledgers in examples/data and their
sections of tests/fixtures/sample_2023_expected.json.

    python3 scripts/make_samples.py          # write the files, then check them
    python3 scripts/make_samples.py --check  # only check what is on disk

Python 3 standard library only; every random choice comes from fixed seeds,
so a run rewrites exactly the committed files. Nothing outside the
repository is read.

Each ledger is built as typed records (dates, fen, canonical enum values),
written the way government systems write them (Chinese headers, mixed date
and money forms, alias spellings, quoting), and its 2023 figures are counted
twice:

1. by construction, from the typed records in memory, tally-style;
2. from the written file: decoded, split by Python's csv module, the header
   mapped by the spec's alias tables, every cell parsed by the spec's rules
   (PRODUCT.md 2.4-2.9 and 3), and the figures computed again, query-style.

The two must agree, the re-read records must equal the in-memory ones, and
the seed report's figures (PRODUCT.md section 1) must come out. Last, the
header detection rule of `govtally report DIR` is applied to every CSV in
examples/data (the four older samples too) and the winner and runner-up are
printed.

Personal data in these files is synthetic: resident identity numbers have 17
digits and a check character that is deliberately WRONG (ISO 7064 mod 11-2),
so none can be a real person's number; mobile numbers all have 0000 as their
middle block (139 0000 1234).
"""

import csv
import datetime as dt
import io
import json
import random
import re
import sys
from collections import Counter, OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "sample_2023_expected.json"

P_START = dt.date(2023, 1, 1)
P_END = dt.date(2023, 12, 31)
MONTHS = [f"2023-{m:02d}" for m in range(1, 13)]

F_ENFORCEMENT = "劳动保障监察执法台账2023.csv"
F_NORMATIVE = "行政规范性文件管理台账.csv"
F_DISPUTES = "劳动人事争议案件台账2021-2023.csv"
F_RECON = "行政复议与行政诉讼案件台账2022-2023.csv"
F_PROPOSALS = "建议提案办理台账2022-2023.csv"

# ───────────────────────── the spec's tables (PRODUCT.md 2.1-2.9) ─────────────────────────
# (key, aliases, required), in declaration order.

LEDGERS = OrderedDict(
    legality=[
        ("review_id", ["审查编号", "编号"], True),
        ("title", ["文件名称", "合同名称", "名称"], False),
        ("doc_type", ["文件类型", "审查类型", "类型"], True),
        ("department", ["送审科室", "承办科室", "送审单位"], False),
        ("received_date", ["受理日期", "送审日期", "收文日期"], True),
        ("completed_date", ["审结日期", "办结日期", "完成日期"], False),
        ("opinion_count", ["审查意见数", "意见条数", "提出意见数"], False),
        ("conclusion", ["审查结论", "审查结果"], False),
    ],
    inspections=[
        ("task_id", ["任务编号", "抽查任务编号"], True),
        ("task_name", ["任务名称", "抽查事项"], False),
        ("inspect_date", ["抽查日期", "检查日期"], True),
        ("joint", ["是否联合抽查", "联合抽查", "跨部门联合"], False),
        ("partners", ["联合部门", "配合部门"], False),
        ("object_id", ["统一社会信用代码", "信用代码", "对象代码"], True),
        ("object_name", ["检查对象", "对象名称", "单位名称"], False),
        ("result", ["检查结果", "抽查结果"], False),
    ],
    complaints=[
        ("complaint_id", ["编号", "件号", "信访编号", "登记编号"], True),
        ("received_at", ["登记日期", "登记时间", "来件日期", "受理日期", "收件日期"], True),
        ("channel", ["来源渠道", "渠道", "来源", "信访形式"], False),
        ("category", ["问题类别", "问题分类", "内容分类", "类别"], False),
        ("kind", ["件类型", "类型"], False),
    ],
    enforcement=[
        ("action_id", ["文书编号", "决定书编号", "执法编号", "编号"], True),
        ("action_date", ["决定日期", "处理日期", "执法日期", "日期"], True),
        ("action_type", ["执法类型", "处置类型", "措施类型", "类型"], True),
        ("target_kind", ["对象类型", "当事人类型"], False),
        ("target_id", ["统一社会信用代码", "信用代码", "证件号码", "当事人证件号"], False),
        ("target_name", ["当事人", "当事人名称", "单位名称", "对象名称"], False),
        ("project", ["工程项目", "项目名称"], False),
        ("amount", ["金额", "罚款金额", "涉及金额"], False),
    ],
    normative=[
        ("doc_number", ["文号", "发文字号", "文件编号"], True),
        ("title", ["文件名称", "标题", "名称"], False),
        ("issue_date", ["发文日期", "印发日期", "制定日期", "发布日期"], True),
        ("reviewed", ["是否经合法性审查", "合法性审查"], False),
        ("published", ["是否公布", "是否公开", "网上公布"], False),
        ("cleanup_date", ["清理日期", "清理时间"], False),
        ("cleanup_result", ["清理结果", "清理结论", "清理意见"], False),
    ],
    disputes=[
        ("case_id", ["案件编号", "案号", "登记编号", "编号"], True),
        ("registered_date", ["登记日期", "立案日期", "收案日期", "受理日期"], True),
        ("venue", ["受理机构", "办理机构", "受理单位"], False),
        ("venue_type", ["机构类型", "受理机构类型"], False),
        ("process", ["处理方式", "办理程序", "程序"], True),
        ("outcome", ["处理结果", "结案方式", "结果"], False),
        ("closed_date", ["结案日期", "审结日期", "办结日期"], False),
        ("hearing_at", ["开庭时间", "庭审时间"], False),
        ("hearing_mode", ["庭审方式", "开庭方式"], False),
    ],
    reconsideration=[
        ("case_id", ["案件编号", "案号", "编号"], True),
        ("case_type", ["案件类型", "类型"], True),
        ("received_date", ["收案日期", "收到日期", "立案日期", "登记日期"], True),
        ("status", ["办理状态", "案件状态", "状态"], True),
        ("concluded_date", ["审结日期", "结案日期"], False),
        ("result", ["审理结果", "裁判结果", "结果"], False),
        ("subject", ["案由", "争议事项"], False),
        ("head_appeared", ["负责人出庭", "行政机关负责人出庭", "是否负责人出庭"], False),
    ],
    proposals=[
        ("proposal_id", ["建议编号", "提案编号", "编号"], True),
        ("proposal_type", ["建议提案类型", "类型", "类别"], True),
        ("role", ["承办方式", "主协办", "办理方式"], True),
        ("assigned_date", ["交办日期", "收到日期"], True),
        ("due_date", ["办理期限", "答复期限"], False),
        ("replied_date", ["答复日期", "办结日期"], False),
        ("satisfaction", ["满意度", "反馈意见"], False),
    ],
)

# Enum vocabularies: canonical value -> Chinese words. The English value
# names are accepted too (PRODUCT.md 2).
VOCAB = {
    ("enforcement", "action_type"): OrderedDict(
        handling_decision=["行政处理决定", "处理决定", "责令支付"],
        penalty=["行政处罚", "处罚", "罚款"],
        credit_deduction=["信用扣分", "扣分"],
        interview=["约谈"],
        police_transfer=["移送公安", "移送公安机关"],
        risk_resolved=["欠薪隐患化解", "隐患化解", "化解欠薪隐患"],
        other=["其他"],
    ),
    ("enforcement", "target_kind"): OrderedDict(
        enterprise=["企业", "单位", "用人单位"],
        person=["个人", "自然人"],
    ),
    ("normative", "cleanup_result"): OrderedDict(
        valid=["继续有效", "有效", "保留"],
        amended=["修改", "修订", "拟修改"],
        repealed=["废止", "拟废止"],
        expired=["失效", "宣布失效", "自动失效"],
    ),
    ("disputes", "venue_type"): OrderedDict(
        station=["劳动保障驿站", "驿站"],
        mediation_center=["调解中心", "调解委员会", "调解组织"],
        arbitration=["仲裁院", "仲裁委", "劳动人事争议仲裁院"],
    ),
    ("disputes", "process"): OrderedDict(mediation=["调解"], arbitration=["仲裁"]),
    ("disputes", "outcome"): OrderedDict(
        mediated=["调解成功", "达成调解"],
        mediation_failed=["调解不成", "调解失败"],
        award=["裁决", "仲裁裁决"],
        withdrawn=["撤回", "撤诉"],
        not_accepted=["不予受理"],
        pending=["审理中", "处理中"],
    ),
    ("disputes", "hearing_mode"): OrderedDict(
        digital=["数字庭", "数字庭审", "数字化庭审", "数字仲裁庭"],
        online=["线上", "线上庭审", "网上庭审", "在线庭审"],
        in_person=["现场", "现场庭审", "线下庭审"],
    ),
    ("reconsideration", "case_type"): OrderedDict(
        reconsideration=["行政复议"],
        litigation_first=["行政诉讼", "一审行政诉讼", "行政诉讼一审"],
        litigation_appeal=["二审", "行政诉讼二审", "上诉"],
    ),
    ("reconsideration", "status"): OrderedDict(
        pending=["审理中", "在审", "未结"],
        concluded=["已审结", "审结", "已结案"],
        mediated_before_filing=["立案前调解", "诉前调解"],
    ),
    ("reconsideration", "result"): OrderedDict(
        upheld=["维持", "驳回", "驳回诉讼请求"],
        lost=["撤销", "确认违法", "变更", "责令履行"],
        withdrawn=["撤回", "撤诉", "和解", "调解"],
    ),
    ("proposals", "proposal_type"): OrderedDict(
        npc_suggestion=["人大代表建议", "代表建议"],
        npc_intersession=["人大闭会期间代表建议", "闭会期间建议"],
        cppcc_proposal=["政协委员提案", "政协提案", "委员提案"],
    ),
    ("proposals", "role"): OrderedDict(lead=["主办"], assist=["协办", "会办"]),
    ("proposals", "satisfaction"): OrderedDict(
        satisfied=["满意"], mostly_satisfied=["基本满意"], dissatisfied=["不满意"]
    ),
}

# ───────────────────────── shared helpers ─────────────────────────

FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def fw(s):
    return s.translate(FW_DIGITS)


def iso(d):
    return d.isoformat() if d else None


def in_period(d):
    return d is not None and P_START <= d <= P_END


def hundredths(num, den):
    """num/den rounded half away from zero to hundredths, as "12.34" (num, den >= 0)."""
    h = (2 * num * 100 + den) // (2 * den)
    return f"{h // 100}.{h % 100:02d}"


def pct(part, whole):
    return None if whole == 0 else hundredths(part * 100, whole)


def yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def median_str(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    if n % 2:
        return f"{v[n // 2]}.00"
    return hundredths(v[n // 2 - 1] + v[n // 2], 2)


class Forms:
    """Picks a written form for each value: every form once first (in a
    shuffled order), then by weight."""

    def __init__(self, rng, weights):
        self.rng = rng
        self.names = list(weights)
        self.weights = [weights[n] for n in self.names]
        self.first = self.names[:]
        rng.shuffle(self.first)
        self.used = Counter()

    def pick(self, allowed=None):
        cands = self.names if allowed is None else [n for n in self.names if n in allowed]
        for n in self.first:
            if n in cands and not self.used[n]:
                self.used[n] += 1
                return n
        w = [self.weights[self.names.index(n)] for n in cands]
        n = self.rng.choices(cands, weights=w)[0]
        self.used[n] += 1
        return n


def date_text(d, form):
    y, m, day = d.year, d.month, d.day
    return {
        "iso": f"{y:04d}-{m:02d}-{day:02d}",
        "slash": f"{y}/{m}/{day}",
        "dot": f"{y}.{m}.{day}",
        "cn": f"{y}年{m}月{day}日",
        "compact": f"{y:04d}{m:02d}{day:02d}",
        "fw_iso": fw(f"{y:04d}-{m:02d}-{day:02d}"),
        "fw_cn": fw(f"{y}年{m}月{day}日"),
    }[form]


DATE_WEIGHTS = dict(iso=50, slash=20, cn=8, dot=5, compact=5, fw_iso=4, fw_cn=4)


class DateWriter:
    def __init__(self, rng, weights=DATE_WEIGHTS):
        self.forms = Forms(rng, weights)

    def __call__(self, d):
        return "" if d is None else date_text(d, self.forms.pick())


def rand_date(rng, start, end, weekdays_only=False):
    while True:
        d = start + dt.timedelta(days=rng.randint(0, (end - start).days))
        if not weekdays_only or d.weekday() < 5:
            return d


def encode_file(path, header, rows, encoding, bom, eol, delim):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    text = buf.getvalue()
    if encoding == "gb18030":
        data = text.encode("gbk")  # GBK characters only, as Excel's "CSV"
        assert data == text.encode("gb18030")
        try:
            data.decode("utf-8")
            raise AssertionError(f"{path.name}: GB18030 bytes are valid UTF-8")
        except UnicodeDecodeError:
            pass
        assert not bom
    elif encoding == "utf-16le":
        data = (b"\xff\xfe" if bom else b"") + text.encode("utf-16-le")
    else:
        data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    path.write_bytes(data)


# ───────────────────────── reading a file back, by the spec ─────────────────────────


def decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 with BOM"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le"), "UTF-16LE with BOM"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be"), "UTF-16BE with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "GB18030"


def read_table(path):
    text, enc = decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delim = "\t" if "\t" in first and "," not in first else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True))
    assert all(any(c.strip() for c in r) for r in records), f"{path.name}: blank line"
    return records, enc, delim


WS = " \t\r\n\u3000"


def norm_header(h):
    h = h.strip(WS + "\ufeff")
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in h)


def map_header(ledger, headers):
    """The spec's header rule for one ledger: (index by key, matched, missing)
    or None when two header cells name one column."""
    cols = LEDGERS[ledger]
    hits = {k: [] for k, _, _ in cols}
    for pos, h in enumerate(headers):
        n = norm_header(h)
        if not n:
            continue
        for k, aliases, _ in cols:  # first column in declaration order
            if n == k or n in [norm_header(a) for a in aliases]:
                hits[k].append(pos)
                break
    if any(len(v) > 1 for v in hits.values()):
        return None
    missing = [k for k, _, req in cols if req and not hits[k]]
    index = {k: v[0] for k, v in hits.items() if v}
    return index, len(index), missing


def detect(headers):
    """[(ledger, matched, qualifies, missing)] best first."""
    out = []
    for name in LEDGERS:
        m = map_header(name, headers)
        if m is None:
            out.append((name, -1, False, ["(two header cells name one column)"]))
            continue
        index, matched, missing = m
        out.append((name, matched, not missing, missing))
    out.sort(key=lambda t: (not t[2], -t[1]))
    return out


def p_text(s):
    return s.strip(WS)


DATE_RES = [
    re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]
TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def p_datetime(s, allow_time=True):
    """'' -> None; else (date, time or None). Raises on anything else."""
    s = p_text(s).translate(ASCII_DIGITS)
    if not s:
        return None
    for rx in DATE_RES:
        m = rx.match(s)
        if not m:
            continue
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        rest = s[m.end():]
        if not rest:
            return d, None
        assert allow_time, f"time in a date column: {s!r}"
        assert rest[0] in " T", s
        if rest[0] == "T":
            assert rx is DATE_RES[0], s
        t = TIME_RE.fullmatch(rest[1:])
        assert t, s
        return d, dt.time(int(t[1]), int(t[2]), int(t[3] or 0))
    raise ValueError(f"not a date: {s!r}")


def p_date(s):
    v = p_datetime(s, allow_time=False)
    return None if v is None else v[0]


MONEY_RE = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")


def p_money(s):
    s = p_text(s)
    if not s:
        return None
    if s[0] in "¥￥":
        s = s[1:]
    if s.endswith("元"):
        s = s[:-1]
    s = s.translate(ASCII_DIGITS)
    m = MONEY_RE.fullmatch(s)
    assert m, f"not money: {s!r}"
    frac = (m[2] or "").ljust(2, "0")
    return int(m[1].replace(",", "")) * 100 + int(frac)


TRUE = {"是", "y", "yes", "true", "1", "√"}
FALSE = {"否", "n", "no", "false", "0", "×"}


def p_bool(s):
    s = p_text(s).lower()
    if not s:
        return None
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise ValueError(f"not a boolean: {s!r}")


def p_enum(ledger, key, s):
    s = p_text(s)
    if not s:
        return None
    for value, words in VOCAB[(ledger, key)].items():
        if s == value or s in words:
            return value
    raise ValueError(f"{ledger}.{key}: {s!r} is not a listed value")


def read_ledger(path, ledger):
    """The file's rows as dicts of parsed values, keyed by column key, plus
    what the file is."""
    records, enc, delim = read_table(path)
    m = map_header(ledger, records[0])
    assert m is not None and not m[2], f"{path.name}: header does not map: {m}"
    index = m[0]
    rows = []
    for rec in records[1:]:
        assert len(rec) == len(records[0]), f"{path.name}: ragged record {rec}"
        rows.append({k: rec[i] for k, i in index.items()})
    return rows, enc, delim, records[0]


# ───────────────────────── synthetic people and enterprises ─────────────────────────

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国军伟强磊洋勇艳杰娟涛明超秀霞平刚桂英华志红玉兰芳林海波宁凯鹏飞亮斌春燕晓文静丽敏新华德胜长发永福学兵金龙小梅晨阳俊峰云鑫"
ID_AREAS = ["330110", "330106", "341222", "513030", "412726", "522425", "362427", "431024", "342224", "500233"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def fake_id(rng):
    """17 digits and a check character that is never the right one."""
    birth = rand_date(rng, dt.date(1962, 1, 1), dt.date(1999, 12, 31))
    body = f"{rng.choice(ID_AREAS)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    right = "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]
    wrong = [c for c in "0123456789X" if c != right]
    check = "X" if right != "X" and rng.random() < 0.15 else rng.choice(wrong)
    return body + check


def fake_mobile(rng):
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}0000{rng.randint(0, 9999):04d}"


def make_people(rng, n, taken):
    out = []
    while len(out) < n:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2, 2])))
        if name in taken:
            continue
        taken.add(name)
        out.append((name, fake_id(rng)))
    return out


TOWNS = ["余杭", "仓前", "闲林", "五常", "中泰", "良渚", "仁和", "瓶窑", "径山", "黄湖", "鸬鸟", "百丈"]
BRANDS = "鼎盛恒通宏达华泰金鑫瑞丰永兴天成新源安信欣荣正泰佳禾博远汇通中盛锦程创业宏图联华东升凯达顺发广厦长青伟业诚信盛世"
TRADES = ["建筑劳务", "建设工程", "装饰工程", "电子科技", "纺织", "餐饮管理", "物业管理", "人力资源", "机械制造", "家具", "服饰", "网络科技", "物流", "保洁服务", "食品"]
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_enterprises(rng, n, taken):
    out = []
    while len(out) < n:
        brand = "".join(rng.sample(BRANDS, 2))
        name = f"杭州{rng.choice(TOWNS)}{brand}{rng.choice(TRADES)}{rng.choice(['有限公司', '有限公司', '股份有限公司'])}"
        if name in taken:
            continue
        taken.add(name)
        # 91330110 + MA + 8 characters with letters: no run of 11 or 18 digits.
        tail = "".join(rng.choice(CODE_CHARS) for _ in range(8))
        tail = tail[:3] + rng.choice("ABCDEFGHJKLMNPQRTUWXY") + tail[4:]
        out.append((name, "91330110MA" + tail))
    return out


# ═════════════════════════ enforcement (2.5) ═════════════════════════

ENF_TYPES = list(VOCAB[("enforcement", "action_type")])
ENF_KINDS = ["enterprise", "person", "unrecorded"]
PROJECTS = [
    "仓前街道灵源村安置房（二期）工程", "良渚新城某商业综合体项目", "未来科技城XX地块研发楼工程", "闲林街道中心小学扩建工程",
    "五常街道人才公寓项目", "瓶窑镇工业园区标准厂房工程", "中泰街道道路提升改造工程", "余杭街道老旧小区改造项目",
    "径山镇美丽乡村建设工程", "仁和街道污水管网工程", "黄湖镇农贸市场改造工程", "良渚街道地铁上盖物业项目",
]


def gen_enforcement():
    rng = random.Random(20230501)
    taken = set()
    ents = make_enterprises(rng, 160, taken)
    people = make_people(rng, 60, taken)
    # A few enterprises are always written without a credit code (the
    # clerk did not fill it in): their name identifies them.
    nocode = set(rng.sample(range(160), 10))
    E = [dict(name=n, tid="" if i in nocode else c) for i, (n, c) in enumerate(ents)]
    Pp = [dict(name=n, tid=i) for n, i in people]

    recs = []

    def add(t, kind, target, date=None, fen=None, project="", note="", name_override=None, tid_override=None):
        recs.append(dict(
            type=t, kind=None if kind == "unrecorded" else kind,
            tid=(target["tid"] if target else "") if tid_override is None else tid_override,
            tname=(target["name"] if target else "") if name_override is None else name_override,
            project=project, fen=fen, note=note,
            date=date or rand_date(rng, P_START, P_END, weekdays_only=True),
        ))

    def wage_fen():
        return rng.randint(3000, 380000) * 100 + rng.choice([0, 0, 0, 50, rng.randint(1, 99)])

    # handling decisions: 92 = 84 enterprise + 3 person + 5 unrecorded
    hd_ents = rng.sample(E[:110], 80)
    for e in hd_ents + rng.sample(hd_ents, 4):
        add("handling_decision", "enterprise", e, fen=None if rng.random() < 0.05 else wage_fen(),
            project=rng.choice(PROJECTS) if rng.random() < 0.4 else "")
    for p in Pp[40:43]:
        add("handling_decision", "person", p, fen=wage_fen(), project=rng.choice(PROJECTS),
            note="劳务班组长，实际施工人")
    for e in rng.sample(E[110:140], 5):
        add("handling_decision", "unrecorded", e, fen=wage_fen())
    # penalties on enterprises: 34 actions, 31 distinct enterprises (never
    # written with and without a code, so 31 targets)
    pen_ents = rng.sample(hd_ents, 22) + rng.sample(E[110:160], 9)
    for e in pen_ents + rng.sample(pen_ents, 3):
        add("penalty", "enterprise", e, fen=rng.randint(20, 500) * 10000)
    # penalties on persons (违法讨薪): 38 actions over 37 targets. Pp[0]
    # twice by id; Pp[1] once by id and once by name only (two targets: ids
    # and names are separate namespaces); Pp[2..4] by name only, one name
    # carrying a mobile number; Pp[5..35] once each by id.
    def person_fine():
        return rng.choice([50000, 100000, 100000, 20000, None])
    for p in [Pp[0], Pp[0], Pp[1]] + Pp[5:36]:
        add("penalty", "person", p, fen=person_fine())
    add("penalty", "person", Pp[1], fen=50000, tid_override="", note="同一人第二次违法讨薪，未登记证件号")
    add("penalty", "person", Pp[2], fen=person_fine(), tid_override="")
    add("penalty", "person", Pp[3], fen=person_fine(), tid_override="")
    add("penalty", "person", Pp[4], fen=person_fine(), tid_override="",
        name_override=f"{Pp[4]['name']}（{fake_mobile(rng)}）")
    assert sum(1 for r in recs if r["type"] == "penalty" and r["kind"] == "person") == 38
    # credit deductions: 72 (家次) over 64 enterprises, two with no kind
    cd_ents = rng.sample(E[:150], 64)
    for i, e in enumerate(cd_ents + rng.sample(cd_ents, 8)):
        add("credit_deduction", "unrecorded" if i in (5, 40) else "enterprise", e)
    # interviews: 27 = 23 enterprise (21 distinct) + 2 person + 2 with no target
    iv = rng.sample(E[:150], 21)
    for e in iv + iv[:2]:
        add("interview", "enterprise", e, project=rng.choice(PROJECTS))
    for p in Pp[43:45]:
        add("interview", "person", p, project=rng.choice(PROJECTS))
    for _ in range(2):
        add("interview", "unrecorded", None, project=rng.choice(PROJECTS), note="约谈建设、施工、劳务三方")
    # police transfers: 4 = 2 person + 2 enterprise
    for p in Pp[45:47]:
        add("police_transfer", "person", p, fen=rng.randint(80000, 600000) * 100, note="涉嫌拒不支付劳动报酬罪")
    for e in rng.sample(pen_ents, 2):
        add("police_transfer", "enterprise", e, fen=rng.randint(80000, 600000) * 100, note="涉嫌拒不支付劳动报酬罪")
    # risks resolved: 14 = 10 enterprise + 2 unrecorded named + 2 with no target
    for e in rng.sample(E[:160], 10):
        add("risk_resolved", "enterprise", e, fen=rng.randint(100000, 3000000) * 100 + rng.randint(0, 99),
            project=rng.choice(PROJECTS))
    for nm in ["某劳务班组（班组长陈某）", "某钢筋班组"]:
        add("risk_resolved", "unrecorded", dict(name=nm, tid=""), fen=rng.randint(100000, 900000) * 100,
            project=rng.choice(PROJECTS))
    for _ in range(2):
        add("risk_resolved", "unrecorded", None, fen=rng.randint(500000, 2000000) * 100, project=rng.choice(PROJECTS))
    # other: 3 enterprise
    for e in rng.sample(E[:160], 3):
        add("other", "enterprise", e, note="责令改正")

    in_period = len(recs)
    assert in_period == 92 + 72 + 72 + 27 + 4 + 14 + 3, in_period

    # Out of period: 6 in December 2022, 3 in January 2024.
    oop = []
    for t, k in [("handling_decision", "enterprise"), ("penalty", "enterprise"), ("penalty", "person"),
                 ("credit_deduction", "enterprise"), ("interview", "enterprise"), ("risk_resolved", "enterprise")]:
        tgt = rng.choice(E) if k == "enterprise" else rng.choice(Pp[47:60])
        add(t, k, tgt, date=rand_date(rng, dt.date(2022, 12, 1), dt.date(2022, 12, 30), True),
            fen=wage_fen() if t in ("handling_decision", "risk_resolved") else (100000 if t == "penalty" else None))
    for t in ["handling_decision", "penalty", "credit_deduction"]:
        add(t, "enterprise", rng.choice(E), date=rand_date(rng, dt.date(2024, 1, 2), dt.date(2024, 1, 19), True),
            fen=wage_fen() if t == "handling_decision" else (300000 if t == "penalty" else None))

    # Personal data in remarks: mobiles and an id number inside text.
    persons = [r for r in recs if r["kind"] == "person" and r["tid"]]
    for r in rng.sample(persons, 6):
        r["note"] = rng.choice(["联系电话", "手机", "电话："]) + fake_mobile(rng) + ("，已当场告知" if rng.random() < 0.5 else "")
    r = rng.choice([r for r in persons if not r["note"]])
    r["note"] = f"当事人身份证号{r['tid']}，联系电话{fake_mobile(rng)}"
    # remarks that need RFC 4180 quoting
    hd = [r for r in recs if r["type"] == "handling_decision" and not r["note"] and in_period_r(r)]
    hd[3]["note"] = "已履行,2023年已全额支付"
    hd[10]["note"] = '当事人称"工资已结清"，经核实未结清'
    hd[20]["note"] = "分两期履行：\n第一期已支付"
    hd[30]["project"] = "仓前街道灵源村安置房（二期）工程,3#楼"
    # a name padded with a full-width space (text values are trimmed)
    nc = [r for r in recs if r["type"] == "credit_deduction" and r["tid"] == "" and r["kind"] == "enterprise"]
    if nc:
        nc[0]["pad"] = True

    # ids: per type and year, numbered in date order
    prefix = dict(handling_decision="杭余人社监理字〔{y}〕第{n:03d}号", penalty="杭余人社监罚字〔{y}〕第{n:03d}号",
                  credit_deduction="YHXYKF-{y}-{n:03d}", interview="YHYT{y}{n:03d}",
                  police_transfer="杭余人社监移字〔{y}〕{n}号", risk_resolved="YHQX-{y}-{n:02d}", other="YHQT-{y}-{n:02d}")
    recs.sort(key=lambda r: (r["date"], ENF_TYPES.index(r["type"])))
    seq = Counter()
    for r in recs:
        y = r["date"].year
        seq[(r["type"], y)] += 1
        n = seq[(r["type"], y)] + (120 if y == 2022 else 0)
        r["id"] = prefix[r["type"]].format(y=y, n=n)

    # Duplicates (4): a December-2022 decision entered again in January with
    # a new date; a December-2023 penalty entered again in January 2024; two
    # rows exported twice.
    dups = []
    d22 = next(r for r in recs if r["date"].year == 2022 and r["type"] == "handling_decision")
    dups.append((d22, dict(d22, date=dt.date(2023, 1, 5), note="补录")))
    d23 = [r for r in recs if r["date"] >= dt.date(2023, 12, 1) and r["date"].year == 2023 and r["type"] == "penalty"][0]
    dups.append((d23, dict(d23, date=dt.date(2024, 1, 8))))
    for r in rng.sample([r for r in recs if in_period_r(r) and r["type"] in ("credit_deduction", "interview")], 2):
        dups.append((r, dict(r)))
    out = list(recs)
    for orig, copy in dups:
        copy["dup"] = True
        i = out.index(orig)
        out.insert(min(len(out), i + 1 + rng.randint(0, 25)), copy)
    return out


def in_period_r(r):
    return in_period(r["date"])


def money_text(fen, forms):
    allowed = ["two_dec", "thousands", "yen_half", "yen_full", "yuan", "fw"]
    if fen % 100 == 0:
        allowed.append("int")
    if fen % 10 == 0 and fen % 100 != 0:
        allowed.append("one_dec")
    if fen < 100000:
        allowed.remove("thousands")
    f = forms.pick(allowed)
    y, c = divmod(fen, 100)
    two = f"{y}.{c:02d}"
    short = f"{y}" if c == 0 else two
    sep = f"{y:,}" + ("" if c == 0 else f".{c:02d}")
    return {
        "int": f"{y}",
        "two_dec": two,
        "one_dec": f"{y}.{c // 10}",
        "thousands": sep,
        "yen_half": "¥" + (sep if y >= 1000 else short),
        "yen_full": "￥" + short,
        "yuan": (sep if y >= 10000 else short) + "元",
        "fw": fw(two),
    }[f]


def write_enforcement(recs):
    rng = random.Random(20230502)
    dates = DateWriter(rng)
    money = Forms(rng, dict(int=25, two_dec=25, one_dec=5, thousands=15, yen_half=8, yen_full=8, yuan=8, fw=6))
    tword = Forms(rng, {w: 1 for ws in VOCAB[("enforcement", "action_type")].values() for w in ws})
    kword = Forms(rng, {w: 1 for ws in VOCAB[("enforcement", "target_kind")].values() for w in ws})
    officers = ["沈卫东、孙浩", "王立新、陈洁", "李晓峰、周敏", "张伟、吴昊"]
    header = ["序号", "文书编号", "执法类型", "决定日期", "当事人类型", "当事人", "证件号码", "工程项目", "金额", "承办人", "备注"]
    rows = []
    vocab_t = VOCAB[("enforcement", "action_type")]
    vocab_k = VOCAB[("enforcement", "target_kind")]
    for i, r in enumerate(recs, 1):
        tw = tword.pick(vocab_t[r["type"]])
        kw = "" if r["kind"] is None else kword.pick(vocab_k[r["kind"]])
        name = r["tname"] + ("\u3000" if r.get("pad") else "")
        rows.append([str(i), r["id"], tw, dates(r["date"]), kw, name, r["tid"], r["project"],
                     "" if r["fen"] is None else money_text(r["fen"], money), rng.choice(officers), r["note"]])
    assert all(money.used[f] for f in money.names), money.used
    encode_file(DATA / F_ENFORCEMENT, header, rows, "utf-8", True, "\r\n", ",")
    return header


def target_key(tid, tname):
    if tid:
        return ("id", tid)
    if tname:
        return ("name", tname)
    return None


def count_enforcement(recs):
    """By construction: one pass over the typed records, tally-style."""
    seen = set()
    rows = Counter()
    actions = Counter()
    amount = Counter()
    kind_actions = Counter()
    kind_targets = {}
    all_targets = set()
    month = Counter()
    for r in recs:
        rows["read"] += 1
        if r["id"] in seen:
            rows["duplicates"] += 1
            continue
        seen.add(r["id"])
        if not in_period(r["date"]):
            rows["out_of_period"] += 1
            continue
        rows["counted"] += 1
        t, k = r["type"], r["kind"] or "unrecorded"
        actions[t] += 1
        amount[t] += r["fen"] or 0
        kind_actions[(t, k)] += 1
        key = target_key(r["tid"], r["tname"])
        if key:
            kind_targets.setdefault((t, k), set()).add(key)
            all_targets.add(key)
        month[r["date"].strftime("%Y-%m")] += 1
    return OrderedDict(
        rows=rows_obj(rows),
        actions=OrderedDict(total=sum(actions.values())),
        by_type=OrderedDict(
            (t, OrderedDict(
                actions=actions[t], amount=yuan(amount[t]),
                by_kind=OrderedDict((k, OrderedDict(actions=kind_actions[(t, k)],
                                                    targets=len(kind_targets.get((t, k), ()))))
                                    for k in ENF_KINDS)))
            for t in ENF_TYPES),
        targets=OrderedDict(distinct=len(all_targets)),
        amount=OrderedDict(total=yuan(sum(amount.values()))),
        by_month=OrderedDict((m, month[m]) for m in MONTHS),
    )


def recount_enforcement(path):
    """From the file: parse every cell, then filter and count, query-style."""
    raw, enc, delim, header = read_ledger(path, "enforcement")
    parsed = []
    for c in raw:
        parsed.append(dict(
            id=p_text(c["action_id"]), date=p_date(c["action_date"]),
            type=p_enum("enforcement", "action_type", c["action_type"]),
            kind=p_enum("enforcement", "target_kind", c.get("target_kind", "")),
            tid=p_text(c.get("target_id", "")), tname=p_text(c.get("target_name", "")),
            project=p_text(c.get("project", "")), fen=p_money(c.get("amount", "")),
        ))
        assert parsed[-1]["id"] and parsed[-1]["type"]
    firsts = {}
    for i, r in enumerate(parsed):
        firsts.setdefault(r["id"], i)
    first = [r for i, r in enumerate(parsed) if firsts[r["id"]] == i]
    live = [r for r in first if P_START <= r["date"] <= P_END]

    def tk(r):
        return ("id", r["tid"]) if r["tid"] else (("name", r["tname"]) if r["tname"] else None)

    figs = OrderedDict(
        rows=OrderedDict(read=len(parsed), counted=len(live), out_of_period=len(first) - len(live),
                         duplicates=len(parsed) - len(first), blank=0, rejected=0),
        actions=OrderedDict(total=len(live)),
        by_type=OrderedDict(),
        targets=OrderedDict(distinct=len({tk(r) for r in live} - {None})),
        amount=OrderedDict(total=yuan(sum(r["fen"] or 0 for r in live))),
        by_month=OrderedDict((m, len([r for r in live if r["date"].strftime("%Y-%m") == m])) for m in MONTHS),
    )
    for t in ENF_TYPES:
        of_t = [r for r in live if r["type"] == t]
        figs["by_type"][t] = OrderedDict(
            actions=len(of_t), amount=yuan(sum(r["fen"] or 0 for r in of_t)),
            by_kind=OrderedDict(
                (k, OrderedDict(actions=len([r for r in of_t if (r["kind"] or "unrecorded") == k]),
                                targets=len({tk(r) for r in of_t if (r["kind"] or "unrecorded") == k} - {None})))
                for k in ENF_KINDS))
    return figs, parsed, (enc, delim, header)


# ═════════════════════════ normative (2.6) ═════════════════════════

TITLES = [
    "关于印发《余杭区就业困难人员认定管理办法》的通知", "关于进一步做好高校毕业生就业创业工作的实施意见",
    "余杭区企业职工基本养老保险\n若干问题处理意见", "关于印发《余杭区职业技能培训补贴管理办法》的通知",
    "关于调整被征地农民基本生活保障有关政策的通知", "关于做好失业保险稳岗返还工作的通知",
    "余杭区人才住房租赁补贴实施细则", "关于印发《余杭区劳务派遣单位信用等级评价办法（试行）》的通知",
    "关于建立工程建设领域农民工工资保证金制度的通知", "余杭区灵活就业人员参加社会保险实施办法",
    "关于加强企业工资集体协商工作的意见", "关于印发《余杭区就业见习基地管理办法》的通知",
    "关于做好城乡居民基本养老保险待遇调整工作的通知", "余杭区公益性岗位开发管理办法",
    "关于印发《余杭区创业担保贷款贴息管理办法》的通知", "关于进一步规范工伤认定工作的通知",
    "余杭区技能大师工作室建设管理办法", "关于印发《余杭区高技能人才培养补助实施细则》的通知",
    "关于做好欠薪应急周转金使用管理的通知", "余杭区劳动保障监察举报投诉处理办法",
    "关于印发《余杭区人力资源服务产业园管理办法》的通知", '关于实施"余杭工匠"培育工程的意见',
    "关于做好退役军人就业创业扶持工作的通知", "余杭区大学生创业园管理办法",
    "关于印发《余杭区企业引进高层次人才奖励办法》的通知", "关于规范人力资源市场秩序的通知",
    "余杭区民办职业培训学校管理办法", "关于做好就业见习补贴发放工作的通知",
    "关于建立劳动关系风险预警机制的意见", "余杭区农民工工资支付监控预警办法",
    "关于调整社会保险缴费基数上下限,做好征缴衔接工作的通知", "关于做好企业退休人员社会化管理服务工作的通知",
    "余杭区劳动人事争议调解组织建设指导意见", "关于印发《余杭区人力资源市场管理办法》的通知",
    "关于进一步做好困难群体就业援助工作的通知", "余杭区技工院校学生实习补贴办法",
    "关于做好工伤保险待遇调整工作的通知", "关于加快推进人力资源服务业发展的若干意见",
    "余杭区“余杭英才”认定办法", "关于做好被征地农民养老保障衔接工作的通知",
    "余杭区退休人员基本养老金社会化发放办法", "余杭区重点群体创业就业税收优惠人员认定办法", "关于印发《余杭区劳动关系和谐企业评价办法》的通知", "关于做好高校毕业生“三支一扶”招募工作的通知",
]


def gen_normative():
    rng = random.Random(20230601)
    docs = []
    used_numbers = set()

    def number(year):
        while True:
            n = rng.randint(1, 60)
            pre = rng.choice(["余人社", "余人社发", "余人社规"] if year >= 2016 else ["余人社", "余人社发"])
            s = f"{pre}〔{year}〕{n}号"
            if s not in used_numbers:
                used_numbers.add(s)
                return s

    titles = iter(TITLES)

    def doc(issue, cleanup=None, result=None, reviewed=None, published=None, note="", title=None):
        docs.append(dict(number=number(issue.year), title=title or next(titles), issue=issue, reviewed=reviewed,
                         published=published, cleanup=cleanup, result=result, note=note))

    def flags(year):
        # older documents: review and publication not always recorded
        if year >= 2019:
            return True, True
        return rng.choice([True, True, None, False]), rng.choice([True, True, None])

    # The 2023 clean-up (June-July 2023): 35 documents, 20 valid, 9 repealed,
    # 6 expired; the latest of them issued on 2023-05-31.
    results = ["valid"] * 18 + ["repealed"] * 9 + ["expired"] * 6
    rng.shuffle(results)
    for res in results:
        issue = rand_date(rng, dt.date(2012, 3, 1), dt.date(2022, 6, 30), True)
        rv, pb = flags(issue.year)
        doc(issue, rand_date(rng, dt.date(2023, 6, 12), dt.date(2023, 7, 28), True), res, rv, pb)
    doc(dt.date(2022, 8, 15), dt.date(2023, 7, 12), "valid", True, True,
        title="关于印发《余杭区劳动保障驿站建设指引》的通知")
    # documents outside the 2023 figures: cleaned up in 2022 or 2021, or never
    doc(dt.date(2014, 5, 12), dt.date(2022, 9, 15), "repealed", *flags(2014))
    doc(dt.date(2015, 8, 3), dt.date(2022, 9, 15), "repealed", *flags(2015))
    doc(dt.date(2016, 1, 20), dt.date(2022, 9, 16), "expired", *flags(2016))
    doc(dt.date(2017, 4, 6), dt.date(2022, 9, 16), "amended", *flags(2017), note="修订后重新印发")
    doc(dt.date(2018, 11, 2), dt.date(2022, 9, 19), "amended", *flags(2018), note="修订后重新印发")
    doc(dt.date(2020, 4, 10), dt.date(2022, 9, 19), "expired", True, True,
        title="关于做好2020年度企业职工养老保险缴费补贴工作的通知")
    doc(dt.date(2020, 2, 26), dt.date(2022, 9, 20), "expired", True, True, note="疫情阶段性政策到期",
        title="关于阶段性减免企业社会保险费的实施意见")
    doc(dt.date(2020, 3, 5), dt.date(2022, 9, 20), None, True, True, note="清理结论待区司法局审核",
        title="关于做好新冠肺炎疫情期间社会保险费减免工作的通知")
    doc(dt.date(2013, 6, 17), dt.date(2021, 8, 30), "repealed", *flags(2013))
    doc(dt.date(2012, 9, 10), dt.date(2021, 8, 30), "expired", *flags(2012))
    doc(dt.date(2021, 7, 14), None, None, True, True, note="区政府牵头，由牵头部门清理",
        title="关于印发《余杭区职业技能提升行动实施方案》的通知")
    doc(dt.date(2021, 3, 2), dt.date(2022, 9, 20), "expired", True, True,
        title="关于做好2021年度就业补助资金使用管理的通知")
    # The two issued in 2023, both reviewed and published; the first is in
    # the clean-up of documents made before 1 June.
    docs.append(dict(number="余人社规〔2023〕1号", title="关于印发《余杭区灵活就业人员职业伤害保障试点实施办法》的通知",
                     issue=dt.date(2023, 5, 31), reviewed=True, published=True,
                     cleanup=dt.date(2023, 7, 20), result="valid", note=""))
    docs.append(dict(number="余人社规〔2023〕2号", title="关于印发《余杭区大学生实训（社会实践）实施办法》的通知",
                     issue=dt.date(2023, 9, 18), reviewed=True, published=True, cleanup=None, result=None,
                     note="已在区政府门户网站公布"))
    for d in docs:
        assert d["cleanup"] is None or d["cleanup"] >= d["issue"]
        assert d["result"] is None or d["cleanup"] is not None
    docs.sort(key=lambda d: d["issue"])
    # Duplicates (2): a document cleaned up in 2022 listed again with a 2023
    # clean-up date (the first row counts: it stays out of the 2023 figures);
    # one row of the 2023 clean-up pasted twice.
    a = next(d for d in docs if d["cleanup"] == dt.date(2022, 9, 15))
    b = next(d for d in docs if d["cleanup"] and d["cleanup"].year == 2023 and d["result"] == "expired")
    docs.append(dict(a, cleanup=dt.date(2023, 6, 30), result="valid", dup=True, note="重复登记"))
    i = docs.index(b)
    docs.insert(i + 1, dict(b, dup=True))
    return docs


def bool_text(v, forms):
    if v is None:
        return ""
    return forms.pick(["是", "Y", "√", "1", "true", "yes"] if v else ["否", "N", "×", "0", "false", "no"])


def write_normative(docs):
    rng = random.Random(20230602)
    dates = DateWriter(rng)
    bools = Forms(rng, {"是": 30, "否": 10, "Y": 4, "N": 2, "√": 4, "×": 2, "1": 2, "0": 1, "true": 1, "false": 1, "yes": 1, "no": 1})
    rword = Forms(rng, {w: 1 for ws in VOCAB[("normative", "cleanup_result")].values() for w in ws} | {"valid": 0.2})
    header = ["序号", "文号", "文件名称", "发文日期", "是否经合法性审查", "是否公布", "清理日期", "清理结果", "备注"]
    rows = []
    for i, d in enumerate(docs, 1):
        words = VOCAB[("normative", "cleanup_result")][d["result"]] + (["valid"] if d["result"] == "valid" else []) if d["result"] else None
        rows.append([str(i), d["number"], d["title"], dates(d["issue"]), bool_text(d["reviewed"], bools),
                     bool_text(d["published"], bools), dates(d["cleanup"]),
                     rword.pick(words) if words else "", d["note"]])
    encode_file(DATA / F_NORMATIVE, header, rows, "gb18030", False, "\r\n", ",")
    return header


NORM_RESULTS = ["valid", "amended", "repealed", "expired", "unrecorded"]


def count_normative(docs):
    seen = set()
    rows = Counter()
    issued = Counter()
    cleanup = Counter()
    latest = None
    for d in docs:
        rows["read"] += 1
        if d["number"] in seen:
            rows["duplicates"] += 1
            continue
        seen.add(d["number"])
        fed = False
        if in_period(d["issue"]):
            fed = True
            issued["total"] += 1
            issued["reviewed"] += bool(d["reviewed"])
            issued["published"] += bool(d["published"])
        if in_period(d["cleanup"]):
            fed = True
            cleanup[d["result"] or "unrecorded"] += 1
            latest = d["issue"] if latest is None else max(latest, d["issue"])
        rows["counted" if fed else "out_of_period"] += 1
    return OrderedDict(
        rows=rows_obj(rows),
        issued=OrderedDict((k, issued[k]) for k in ["total", "reviewed", "published"]),
        cleanup=OrderedDict(
            total=sum(cleanup.values()),
            by_result=OrderedDict((r, cleanup[r]) for r in NORM_RESULTS),
            repealed_or_expired=cleanup["repealed"] + cleanup["expired"],
            issued_before=iso(latest + dt.timedelta(days=1)) if latest else None,
        ),
    )


def recount_normative(path):
    raw, enc, delim, header = read_ledger(path, "normative")
    parsed = [dict(number=p_text(c["doc_number"]), title=p_text(c.get("title", "")),
                   issue=p_date(c["issue_date"]), reviewed=p_bool(c.get("reviewed", "")),
                   published=p_bool(c.get("published", "")), cleanup=p_date(c.get("cleanup_date", "")),
                   result=p_enum("normative", "cleanup_result", c.get("cleanup_result", "")))
              for c in raw]
    for r in parsed:  # row errors the spec names
        assert r["cleanup"] is None or r["cleanup"] >= r["issue"]
        assert r["result"] is None or r["cleanup"] is not None
    first = [r for i, r in enumerate(parsed) if [x["number"] for x in parsed].index(r["number"]) == i]
    iss = [r for r in first if P_START <= r["issue"] <= P_END]
    cln = [r for r in first if r["cleanup"] and P_START <= r["cleanup"] <= P_END]
    counted = [r for r in first if r in iss or r in cln]
    by = OrderedDict((k, len([r for r in cln if (r["result"] or "unrecorded") == k])) for k in NORM_RESULTS)
    figs = OrderedDict(
        rows=OrderedDict(read=len(parsed), counted=len(counted), out_of_period=len(first) - len(counted),
                         duplicates=len(parsed) - len(first), blank=0, rejected=0),
        issued=OrderedDict(total=len(iss), reviewed=len([r for r in iss if r["reviewed"]]),
                           published=len([r for r in iss if r["published"]])),
        cleanup=OrderedDict(total=len(cln), by_result=by, repealed_or_expired=by["repealed"] + by["expired"],
                            issued_before=iso(max(r["issue"] for r in cln) + dt.timedelta(days=1)) if cln else None),
    )
    return figs, parsed, (enc, delim, header)


# ═════════════════════════ disputes (2.7) ═════════════════════════

STATIONS = ["余杭街道", "仓前街道", "闲林街道", "五常街道", "中泰街道", "良渚街道", "仁和街道", "瓶窑镇", "径山镇",
            "黄湖镇", "鸬鸟镇", "百丈镇", "未来科技城", "良渚新城", "仁和先进制造业基地"]
ST_CODE = ["YH", "CQ", "XL", "WC", "ZT", "LZ", "RH", "PY", "JS", "HH", "LN", "BZ", "WL", "LX", "XJ"]
CENTRES = ["仓前街道劳动人事争议调解中心", "余杭街道劳动人事争议调解中心", "良渚街道劳动人事争议调解委员会", "五常街道劳动人事争议调解中心"]
ARB = "余杭区劳动人事争议仲裁院"
VT = ["station", "mediation_center", "arbitration", "unrecorded"]
OUTCOMES = ["mediated", "mediation_failed", "award", "withdrawn", "not_accepted", "pending", "unrecorded"]
MODES = ["digital", "online", "in_person", "unrecorded"]

# 2023 hearings per month and, of them, on a Saturday or Sunday
H_MONTH = [30, 28, 42, 40, 44, 41, 43, 40, 38, 46, 50, 58]
H_WEEKEND = [3, 2, 5, 4, 6, 5, 5, 4, 4, 6, 8, 28]


def gen_disputes():
    rng = random.Random(20231201)
    cases = []

    def case(kind, reg, venue, vtype, process, outcome=None, closed=None, hearing=None, mode=None, note=""):
        assert closed is None or closed >= reg
        if outcome is None or outcome == "pending":
            assert closed is None
        else:
            assert closed is not None
        if hearing is not None:
            assert hearing[0] >= reg
        cases.append(dict(kind=kind, reg=reg, venue=venue, vtype=vtype, process=process, outcome=outcome,
                          closed=closed, hearing=hearing, mode=mode, note=note))

    def med_outcome():
        x = rng.random()
        return ("mediated" if x < 0.905 else "mediation_failed" if x < 0.945 else "withdrawn" if x < 0.975
                else "not_accepted" if x < 0.988 else "unrecorded")

    def station(i=None):
        i = rng.randrange(15) if i is None else i
        return f"{STATIONS[i]}劳动保障驿站", i

    def shift(d, lo, hi):
        return d + dt.timedelta(days=rng.randint(lo, hi))

    # ---- stations: mediation ----
    for _ in range(30):  # 2022 pilot stations, closed in 2022
        v, _i = station(rng.choice([0, 1]))
        reg = rand_date(rng, dt.date(2022, 9, 1), dt.date(2022, 12, 5))
        case("st", reg, v, "station", "mediation", med_outcome(), min(shift(reg, 1, 20), dt.date(2022, 12, 30)))
    for _ in range(40):  # registered late 2022, closed early 2023
        v, _i = station(rng.choice([0, 1]))
        reg = rand_date(rng, dt.date(2022, 11, 20), dt.date(2022, 12, 30))
        case("st", reg, v, "station", "mediation", med_outcome(), shift(dt.date(2023, 1, 3), 0, 40))
    for _ in range(1554):  # registered and closed in 2023
        v, _i = station()
        reg = rand_date(rng, P_START, dt.date(2023, 12, 28))
        closed = shift(reg, 0, 30)
        while closed > P_END:
            closed = shift(reg, 0, (P_END - reg).days)
        case("st", reg, v, "station", "mediation", med_outcome(), closed)
    for _ in range(180):  # registered late 2023, closed in 2024
        v, _i = station()
        reg = rand_date(rng, dt.date(2023, 10, 20), P_END)
        case("st", reg, v, "station", "mediation", med_outcome(), shift(dt.date(2024, 1, 2), 0, 50))
    for _ in range(896):  # registered in 2023, still open
        v, _i = station()
        reg = rand_date(rng, P_START, P_END)
        case("st", reg, v, "station", "mediation", rng.choice([None, None, "pending"]))
    # ---- mediation centres ----
    for _ in range(30):
        reg = rand_date(rng, dt.date(2022, 3, 1), dt.date(2022, 11, 30))
        case("mc", reg, rng.choice(CENTRES), "mediation_center", "mediation", med_outcome(), shift(reg, 1, 25))
    for _ in range(10):
        reg = rand_date(rng, dt.date(2022, 12, 1), dt.date(2022, 12, 30))
        case("mc", reg, rng.choice(CENTRES), "mediation_center", "mediation", med_outcome(), shift(dt.date(2023, 1, 3), 0, 30))
    for _ in range(260):
        reg = rand_date(rng, P_START, dt.date(2023, 12, 20))
        closed = shift(reg, 1, 25)
        while closed > P_END:
            closed = shift(reg, 0, (P_END - reg).days)
        case("mc", reg, rng.choice(CENTRES), "mediation_center", "mediation", med_outcome(), closed)
    for _ in range(20):
        reg = rand_date(rng, dt.date(2023, 9, 1), P_END)
        case("mc", reg, rng.choice(CENTRES), "mediation_center", "mediation", rng.choice([None, "pending"]))
    # ---- venue type not filled in: 25 registered in 2023, 18 closed ----
    for j in range(25):
        v = station()[0] if j % 5 else ""
        reg = rand_date(rng, P_START, dt.date(2023, 11, 30))
        if j < 18:
            case("ux", reg, v, None, "mediation", med_outcome(), shift(reg, 1, 25))
        else:
            case("ux", reg, v, None, "mediation", None)

    # ---- arbitration ----
    def arb_outcome(heard):
        x = rng.random()
        if heard:
            return "award" if x < 0.56 else "mediated" if x < 0.87 else "withdrawn" if x < 0.97 else "unrecorded"
        return "withdrawn" if x < 0.5 else "not_accepted" if x < 0.8 else "mediated" if x < 0.93 else "unrecorded"

    def hour_min(weekend, evening_share=0.1):
        if rng.random() < evening_share:
            return dt.time(rng.choice([18, 18, 19, 19, 20]), rng.choice([0, 0, 30]))
        return dt.time(rng.choice([9, 9, 10, 10, 13, 14, 14, 15, 16]), rng.choice([0, 0, 30, 30, 15]))

    def hearing_dt(day, weekend):
        t = None if rng.random() < 0.05 else hour_min(weekend)
        return (day, t)

    def modes(n, digital, online, in_person):
        m = ["digital"] * digital + ["online"] * online + ["in_person"] * in_person
        m += ["unrecorded"] * (n - len(m))
        rng.shuffle(m)
        return m

    # history: digital courts opened in July 2021. 1336 digital hearings
    # closed by the end of 2022, 64 others, 30 closed without a hearing.
    hist_modes = modes(1400, 1336, 24, 40)
    for m in hist_modes:
        reg = rand_date(rng, dt.date(2021, 7, 1), dt.date(2022, 10, 31))
        hd = shift(reg, 15, 45)
        t = None if rng.random() < 0.05 else hour_min(hd.weekday() >= 5)
        closed = min(shift(hd, 0, 20), dt.date(2022, 12, 30))
        case("ah", reg, ARB, "arbitration", "arbitration", arb_outcome(True), closed, (hd, t), m)
    for _ in range(30):
        reg = rand_date(rng, dt.date(2021, 7, 1), dt.date(2022, 11, 30))
        case("ah", reg, ARB, "arbitration", "arbitration", arb_outcome(False), shift(reg, 3, 30))
    # heard digitally in December 2022, closed in January 2023
    for _ in range(15):
        reg = rand_date(rng, dt.date(2022, 10, 20), dt.date(2022, 11, 25))
        hd = rand_date(rng, dt.date(2022, 12, 1), dt.date(2022, 12, 30), True)
        case("a22", reg, ARB, "arbitration", "arbitration", arb_outcome(True), shift(dt.date(2023, 1, 3), 0, 25),
             (hd, hour_min(False)), "digital")
    # the 500 hearings of 2023
    days = []
    for mi, (n, w) in enumerate(zip(H_MONTH, H_WEEKEND), 1):
        first = dt.date(2023, mi, 1)
        last = (dt.date(2023, mi + 1, 1) if mi < 12 else dt.date(2024, 1, 1)) - dt.timedelta(days=1)
        all_days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
        we = [d for d in all_days if d.weekday() >= 5]
        wd = [d for d in all_days if d.weekday() < 5 and d not in HOLIDAYS_2023]
        days += [(d, True) for d in (rng.choices(we, k=w) if mi != 12 else spread(we, w))]
        days += [(d, False) for d in rng.choices(wd, k=n - w)]
    days.sort()
    hearings = [(d, None if rng.random() < 0.05 else hour_min(we, 0.12 if d.month != 12 else 0.2)) for d, we in days]
    # an evening hearing at exactly 18:00 and one at 17:30 (not evening)
    hearings[100] = (hearings[100][0], dt.time(18, 0))
    hearings[101] = (hearings[101][0], dt.time(17, 30))
    hearings.sort(key=lambda h: (h[0], h[1] or dt.time(0)))
    m23 = modes(500, 420, 35, 35)
    late = list(range(365, 500))
    rng.shuffle(late)
    to_2024, still_open = set(late[:100]), set(late[100:])
    for k, (h, m) in enumerate(zip(hearings, m23)):
        d = h[0]
        if k < 35:  # registered in late 2022
            reg = rand_date(rng, dt.date(2022, 11, 1), dt.date(2022, 12, 30))
            case("a23", reg, ARB, "arbitration", "arbitration", arb_outcome(True), min(shift(d, 0, 25), P_END), h, m)
            continue
        reg = shift(d, -50, -15)
        if reg < P_START:
            reg = rand_date(rng, P_START, min(d, dt.date(2023, 1, 20)))
        if k in to_2024:
            case("a23", reg, ARB, "arbitration", "arbitration", rng.choice(["award", "award", "mediated", "withdrawn"]),
                 shift(dt.date(2024, 1, 2), 0, 50), h, m)
        elif k in still_open:
            case("a23", reg, ARB, "arbitration", "arbitration", rng.choice([None, "pending"]), None, h, m)
        else:
            closed = shift(d, 0, 30)
            if closed > P_END:
                closed = d
            case("a23", reg, ARB, "arbitration", "arbitration", arb_outcome(True), closed, h, m)
    for _ in range(41):  # closed in 2023 without a hearing
        reg = rand_date(rng, P_START, dt.date(2023, 12, 10))
        case("a23", reg, ARB, "arbitration", "arbitration", arb_outcome(False), min(shift(reg, 2, 20), P_END))
    for _ in range(10):  # registered in December 2023, heard digitally and closed in January 2024
        reg = rand_date(rng, dt.date(2023, 12, 1), dt.date(2023, 12, 29))
        hd = rand_date(rng, dt.date(2024, 1, 3), dt.date(2024, 1, 19), True)
        case("a24", reg, ARB, "arbitration", "arbitration", "award", shift(hd, 1, 10), (hd, hour_min(False)), "digital")
    for _ in range(20):  # registered in 2023, no hearing yet
        reg = rand_date(rng, dt.date(2023, 10, 1), P_END)
        case("a24", reg, ARB, "arbitration", "arbitration", rng.choice([None, "pending"]))

    # ids: by venue and year, numbered in registration order
    cases.sort(key=lambda c: c["reg"])
    seq = Counter()
    st_idx = {f"{s}劳动保障驿站": i for i, s in enumerate(STATIONS)}
    for c in cases:
        y = c["reg"].year
        if c["process"] == "arbitration":
            seq[("arb", y)] += 1
            c["id"] = f"余劳人仲案字〔{y}〕第{seq[('arb', y)]}号"
        elif c["vtype"] == "mediation_center":
            seq[(c["venue"], y)] += 1
            c["id"] = f"{c['venue'][:2]}调〔{y}〕{seq[(c['venue'], y)]}号"
        else:
            code = ST_CODE[st_idx[c["venue"]]] if c["venue"] in st_idx else "QT"
            seq[(code, y)] += 1
            c["id"] = f"{code}YZ-{y}-{seq[(code, y)]:04d}"
    # remarks, a few needing quotes in a TAB file (a tab, a quote, a line break)
    notes = ["夜间庭审", "周末庭审", "申请人联系电话已核实", "转仲裁", "涉及欠薪，已报专班", "当庭调解",
             "被申请人缺席，缺席审理", "多名申请人,合并处理"]
    for c in rng.sample(cases, 120):
        c["note"] = rng.choice(notes)
    q = [c for c in cases if c["kind"] == "st" and in_period(c["closed"]) and not c["note"]]
    q[0]["note"] = '申请人称"口头约定"工资'
    q[1]["note"] = "第一次调解未到场\n第二次调解成功"
    q[2]["note"] = "欠薪\t加班费"
    # Duplicates (6): a 2022 station case entered again with a 2023 closing
    # date; a 2021 digital hearing pasted twice; a December-2023 weekend
    # hearing pasted twice; a pending case entered again as closed in 2024;
    # two station cases exported twice.
    dups = []
    a1 = next(c for c in cases if c["kind"] == "st" and c["closed"] and c["closed"].year == 2022)
    dups.append((a1, dict(a1, closed=dt.date(2023, 1, 10), outcome="mediated")))
    h21 = next(c for c in cases if c["kind"] == "ah" and c["mode"] == "digital" and c["hearing"][0].year == 2021)
    dups.append((h21, dict(h21)))
    dec = next(c for c in cases if c["hearing"] and c["hearing"][0].month == 12 and c["hearing"][0].year == 2023
               and c["hearing"][0].weekday() >= 5)
    dups.append((dec, dict(dec)))
    op = next(c for c in cases if c["kind"] == "st" and c["closed"] is None)
    dups.append((op, dict(op, outcome="mediated", closed=dt.date(2024, 1, 12))))
    for c in rng.sample([c for c in cases if c["kind"] == "st" and in_period(c["closed"])], 2):
        dups.append((c, dict(c)))
    out = list(cases)
    for orig, copy in dups:
        copy["dup"] = True
        i = out.index(orig)
        out.insert(min(len(out), i + 1 + rng.randint(0, 40)), copy)
    return out


HOLIDAYS_2023 = {dt.date(2023, 1, d) for d in (2, 23, 24, 25, 26, 27)} | {dt.date(2023, 4, 5), dt.date(2023, 5, 1),
                 dt.date(2023, 5, 2), dt.date(2023, 5, 3), dt.date(2023, 6, 22), dt.date(2023, 6, 23),
                 dt.date(2023, 9, 29)} | {dt.date(2023, 10, d) for d in range(2, 7)}


def spread(days, n):
    """n picks spread evenly over days (every weekend day of December used)."""
    out = []
    for k in range(n):
        out.append(days[k % len(days)])
    return out


def hearing_text(h, dates, forms):
    d, t = h
    f = forms.pick()
    if t is None:
        return date_text(d, {"iso_sp": "iso", "iso_t": "iso", "iso_sec": "iso", "slash": "slash", "cn": "cn",
                             "compact": "compact", "dot": "dot", "fw": "fw_iso"}[f])
    hm = f"{t.hour:02d}:{t.minute:02d}"
    return {
        "iso_sp": f"{date_text(d, 'iso')} {hm}",
        "iso_t": f"{date_text(d, 'iso')}T{hm}:00",
        "iso_sec": f"{date_text(d, 'iso')} {hm}:00",
        "slash": f"{date_text(d, 'slash')} {t.hour}:{t.minute:02d}",
        "cn": f"{date_text(d, 'cn')} {t.hour}:{t.minute:02d}",
        "compact": f"{date_text(d, 'compact')} {hm}",
        "dot": f"{date_text(d, 'dot')} {hm}",
        "fw": fw(f"{date_text(d, 'iso')} {hm}"),
    }[f]


def write_disputes(cases):
    rng = random.Random(20231202)
    dates = DateWriter(rng, dict(iso=60, slash=18, cn=6, dot=4, compact=5, fw_iso=3, fw_cn=4))
    hforms = Forms(rng, dict(iso_sp=55, iso_t=10, iso_sec=12, slash=12, cn=3, compact=3, dot=2, fw=3))
    vt = Forms(rng, {w: 1 for ws in VOCAB[("disputes", "venue_type")].values() for w in ws})
    ow = Forms(rng, {w: 1 for ws in VOCAB[("disputes", "outcome")].values() for w in ws})
    hm = Forms(rng, {w: 1 for ws in VOCAB[("disputes", "hearing_mode")].values() for w in ws})
    header = ["案号", "受理机构", "机构类型", "收案日期", "处理方式", "开庭时间", "庭审方式", "处理结果", "结案日期", "备注"]
    V = VOCAB
    rows = []
    for c in cases:
        rows.append([
            c["id"], c["venue"], "" if c["vtype"] is None else vt.pick(V[("disputes", "venue_type")][c["vtype"]]),
            dates(c["reg"]), V[("disputes", "process")][c["process"]][0],
            "" if c["hearing"] is None else hearing_text(c["hearing"], dates, hforms),
            "" if c["mode"] in (None, "unrecorded") else hm.pick(V[("disputes", "hearing_mode")][c["mode"]]),
            "" if c["outcome"] in (None, "unrecorded") else ow.pick(V[("disputes", "outcome")][c["outcome"]]),
            dates(c["closed"]), c["note"],
        ])
    encode_file(DATA / F_DISPUTES, header, rows, "utf-16le", True, "\r\n", "\t")
    return header


def count_disputes(cases):
    seen = set()
    rows = Counter()
    reg = Counter()
    clo = Counter()
    out = Counter()
    med = Counter()
    arb = 0
    cyc = []
    hmon = Counter()
    hmode = Counter()
    digital = 0
    for c in cases:
        rows["read"] += 1
        if c["id"] in seen:
            rows["duplicates"] += 1
            continue
        seen.add(c["id"])
        fed = False
        vt = c["vtype"] or "unrecorded"
        if in_period(c["reg"]):
            fed = True
            reg[vt] += 1
        if in_period(c["closed"]):
            fed = True
            clo[vt] += 1
            o = c["outcome"] or "unrecorded"
            out[o] += 1
            if c["process"] == "mediation":
                med[o] += 1
            else:
                arb += 1
            cyc.append((c["closed"] - c["reg"]).days)
        if c["hearing"]:
            d, t = c["hearing"]
            if in_period(d):
                fed = True
                m = d.strftime("%Y-%m")
                hmon[(m, "total")] += 1
                hmon[(m, "weekend")] += d.weekday() >= 5
                hmon[(m, "evening")] += t is not None and t >= dt.time(18, 0)
                hmode[c["mode"] or "unrecorded"] += 1
            if c["mode"] == "digital" and d <= P_END:
                fed = True
                digital += 1
        rows["counted" if fed else "out_of_period"] += 1
    mm, mf = med["mediated"], med["mediation_failed"]
    return OrderedDict(
        rows=rows_obj(rows),
        registered=OrderedDict(total=sum(reg.values()), by_venue_type=OrderedDict((v, reg[v]) for v in VT)),
        closed=OrderedDict(total=sum(clo.values()), by_venue_type=OrderedDict((v, clo[v]) for v in VT),
                           by_outcome=OrderedDict((o, out[o]) for o in OUTCOMES)),
        mediation=OrderedDict(mediated=mm, failed=mf, success_rate_pct=pct(mm, mm + mf)),
        arbitration=OrderedDict(concluded=arb),
        cycle_days=OrderedDict(count=len(cyc), mean=hundredths(sum(cyc), len(cyc)) if cyc else None,
                               median=median_str(cyc), max=max(cyc) if cyc else None),
        hearings=OrderedDict(
            total=sum(hmon[(m, "total")] for m in MONTHS),
            weekend=sum(hmon[(m, "weekend")] for m in MONTHS),
            evening=sum(hmon[(m, "evening")] for m in MONTHS),
            by_month=OrderedDict((m, OrderedDict((k, hmon[(m, k)]) for k in ["total", "weekend", "evening"]))
                                 for m in MONTHS),
            by_mode=OrderedDict((k, hmode[k]) for k in MODES),
            digital_to_date=digital,
        ),
    )


def recount_disputes(path):
    raw, enc, delim, header = read_ledger(path, "disputes")
    parsed = []
    for c in raw:
        h = p_datetime(c.get("hearing_at", ""))
        r = dict(id=p_text(c["case_id"]), reg=p_date(c["registered_date"]), venue=p_text(c.get("venue", "")),
                 vtype=p_enum("disputes", "venue_type", c.get("venue_type", "")),
                 process=p_enum("disputes", "process", c["process"]),
                 outcome=p_enum("disputes", "outcome", c.get("outcome", "")),
                 closed=p_date(c.get("closed_date", "")), hearing=h,
                 mode=p_enum("disputes", "hearing_mode", c.get("hearing_mode", "")))
        # row errors the spec names
        assert r["process"]
        assert r["closed"] is None or r["closed"] >= r["reg"]
        assert not (r["outcome"] == "pending" and r["closed"])
        assert r["closed"] is not None or r["outcome"] in (None, "pending")
        # the spec's defaults
        if r["outcome"] is None:
            r["outcome"] = "unrecorded" if r["closed"] else "pending"
        parsed.append(r)
    firstpos = {}
    for i, r in enumerate(parsed):
        firstpos.setdefault(r["id"], i)
    first = [r for i, r in enumerate(parsed) if firstpos[r["id"]] == i]

    def ip(d):
        return d is not None and P_START <= d <= P_END

    R = [r for r in first if ip(r["reg"])]
    C = [r for r in first if ip(r["closed"])]
    H = [r for r in first if r["hearing"] and ip(r["hearing"][0])]
    D = [r for r in first if r["hearing"] and r["mode"] == "digital" and r["hearing"][0] <= P_END]
    fed = {id(r) for r in R + C + H + D}
    M = [r for r in C if r["process"] == "mediation"]
    mm = len([r for r in M if r["outcome"] == "mediated"])
    mf = len([r for r in M if r["outcome"] == "mediation_failed"])
    cyc = sorted((r["closed"] - r["reg"]).days for r in C)
    n = len(cyc)
    med = None if not n else (f"{cyc[n // 2]}.00" if n % 2 else
                              "%.2f" % ((cyc[n // 2 - 1] + cyc[n // 2]) / 2))
    mean = None if not n else hundredths(sum(cyc), n)

    def wk(r):
        return r["hearing"][0].weekday() in (5, 6)

    def ev(r):
        return r["hearing"][1] is not None and (r["hearing"][1].hour, r["hearing"][1].minute) >= (18, 0)

    def mon(r):
        return r["hearing"][0].strftime("%Y-%m")

    figs = OrderedDict(
        rows=OrderedDict(read=len(parsed), counted=len(fed), out_of_period=len(first) - len(fed),
                         duplicates=len(parsed) - len(first), blank=0, rejected=0),
        registered=OrderedDict(total=len(R), by_venue_type=OrderedDict(
            (v, len([r for r in R if (r["vtype"] or "unrecorded") == v])) for v in VT)),
        closed=OrderedDict(total=len(C), by_venue_type=OrderedDict(
            (v, len([r for r in C if (r["vtype"] or "unrecorded") == v])) for v in VT),
            by_outcome=OrderedDict((o, len([r for r in C if r["outcome"] == o])) for o in OUTCOMES)),
        mediation=OrderedDict(mediated=mm, failed=mf, success_rate_pct=pct(mm, mm + mf)),
        arbitration=OrderedDict(concluded=len([r for r in C if r["process"] == "arbitration"])),
        cycle_days=OrderedDict(count=n, mean=mean, median=med, max=cyc[-1] if n else None),
        hearings=OrderedDict(
            total=len(H), weekend=len([r for r in H if wk(r)]), evening=len([r for r in H if ev(r)]),
            by_month=OrderedDict((m, OrderedDict(total=len([r for r in H if mon(r) == m]),
                                                 weekend=len([r for r in H if mon(r) == m and wk(r)]),
                                                 evening=len([r for r in H if mon(r) == m and ev(r)])))
                                 for m in MONTHS),
            by_mode=OrderedDict((k, len([r for r in H if (r["mode"] or "unrecorded") == k])) for k in MODES),
            digital_to_date=len(D),
        ),
    )
    return figs, parsed, (enc, delim, header)


# ═════════════════════════ reconsideration (2.8) ═════════════════════════

RC_TYPES = ["reconsideration", "litigation_first", "litigation_appeal"]


def gen_reconsideration():
    D = dt.date
    C = []

    def case(cid, ctype, ctw, received, status, stw, concluded=None, result=None, rw="", subject="", head=None,
             party="", note=""):
        C.append(dict(id=cid, type=ctype, type_word=ctw, received=received, status=status, status_word=stw,
                      concluded=concluded, result=result, result_word=rw, subject=subject, head=head,
                      party=party, note=note))

    # 2021-2022 (out of period)
    case("余政复〔2021〕63号", "reconsideration", "行政复议", D(2021, 11, 8), "mediated_before_filing", "立案前调解",
         subject="工伤认定", party="叶某", note="申请人撤回申请")
    case("余政复〔2022〕77号", "reconsideration", "行政复议", D(2022, 9, 13), "concluded", "已审结", D(2022, 11, 30),
         "lost", "撤销", "工伤认定", party="刘某", note="重新作出工伤认定决定")
    case("（2022）浙0110行初58号", "litigation_first", "一审行政诉讼", D(2022, 6, 1), "concluded", "已结案",
         D(2022, 12, 20), "upheld", "驳回诉讼请求", "社会保险", True, party="黄某")
    case("（2022）浙0110行初201号", "litigation_first", "行政诉讼一审", D(2022, 11, 14), "pending", "未结",
         D(2023, 2, 17), "upheld", "驳回", "工伤认定", True, party="孙某, 杭州某建筑劳务有限公司")
    case("（2022）浙01行终456号", "litigation_appeal", "上诉", D(2022, 12, 26), "concluded", "审结", D(2023, 3, 30),
         "upheld", "维持", "工伤认定", False, party="周某", note="二审维持原判")
    # 2023: reconsideration 1 pending + 1 concluded + 1 mediated before filing
    case("余政复〔2023〕12号", "reconsideration", "行政复议", D(2023, 3, 14), "concluded", "已审结", D(2023, 5, 10),
         "upheld", "维持", "工伤认定", party="王某")
    case("余政复〔2023〕调3号", "reconsideration", "行政复议", D(2023, 6, 5), "mediated_before_filing", "立案前调解",
         D(2023, 6, 20), "withdrawn", "调解", "社会保险", party="李某", note="调解后申请人撤回")
    case("余政复〔2023〕41号", "reconsideration", "行政复议", D(2023, 10, 20), "pending", "审理中", None, None, "",
         "工龄认定", party="陈某")
    # 2023: first instance 1 concluded (the status was never updated) +
    # 1 pending (says 已审结, concluded in January 2024) + 2 mediated
    case("（2023）浙0110行初112号", "litigation_first", "行政诉讼", D(2023, 4, 11), "pending", "在审", D(2023, 9, 15),
         "upheld", "驳回诉讼请求", "工伤认定", True, party="张某", note='"状态"未更新，已于9月判决')
    case("（2023）浙0110行诉前调15号", "litigation_first", "一审行政诉讼", D(2023, 5, 18), "mediated_before_filing",
         "诉前调解", None, "withdrawn", "和解", "社会保险", party="赵某")
    case("（2023）浙0110行诉前调27号", "litigation_first", "行政诉讼一审", D(2023, 8, 22), "mediated_before_filing",
         "立案前调解", D(2023, 9, 1), "withdrawn", "撤诉", "工龄认定", party="吴某,郑某")
    case("（2023）浙0110行初287号", "litigation_first", "行政诉讼", D(2023, 11, 2), "concluded", "已审结", D(2024, 1, 9),
         "upheld", "驳回", "工伤认定", True, party="钱某", note="2024年1月9日判决")
    C.sort(key=lambda c: c["received"])
    # Duplicates (2): the appeal re-registered in January 2023 when the file
    # came back (its December-2022 row counts: out of period); the pending
    # reconsideration exported twice.
    ap = next(c for c in C if c["type"] == "litigation_appeal")
    C.append(dict(ap, received=D(2023, 1, 5), dup=True, note="案卷退回重新登记"))
    pend = next(c for c in C if c["id"] == "余政复〔2023〕41号")
    C.append(dict(pend, dup=True))
    return C


def write_reconsideration(C):
    rng = random.Random(20231101)
    dates = DateWriter(rng)
    bools = Forms(rng, {"是": 3, "√": 1, "Y": 1, "否": 1})
    header = ["序号", "案件编号", "案件类型", "申请人/原告", "案由", "收案日期", "办理状态", "审结日期", "审理结果",
              "负责人出庭 ", "承办人", "备注"]
    rows = []
    for i, c in enumerate(C, 1):
        rows.append([str(i), c["id"], c["type_word"], c["party"], c["subject"], dates(c["received"]), c["status_word"],
                     dates(c["concluded"]), c["result_word"], bool_text(c["head"], bools),
                     rng.choice(["法规科 李敏", "法规科 周建", "律师 何平"]), c["note"]])
    encode_file(DATA / F_RECON, header, rows, "utf-8", False, "\n", ",")
    return header


def count_reconsideration(C):
    seen = set()
    rows = Counter()
    by = Counter()
    lost = 0
    subj = Counter()
    head = Counter()
    for c in C:
        rows["read"] += 1
        if c["id"] in seen:
            rows["duplicates"] += 1
            continue
        seen.add(c["id"])
        if not in_period(c["received"]):
            rows["out_of_period"] += 1
            continue
        rows["counted"] += 1
        st = c["status"]
        if st != "mediated_before_filing" and c["concluded"]:
            st = "concluded" if c["concluded"] <= P_END else "pending"
        by[(c["type"], st)] += 1
        if st == "concluded" and c["result"] == "lost":
            lost += 1
        subj[c["subject"] or "未填写"] += 1
        if c["type"] != "reconsideration" and c["head"] is not None:
            head["cases"] += 1
            head["appeared"] += c["head"]
    return OrderedDict(
        rows=rows_obj(rows),
        by_type=OrderedDict((t, OrderedDict(new=by[(t, "pending")] + by[(t, "concluded")], pending=by[(t, "pending")],
                                            concluded=by[(t, "concluded")],
                                            mediated_before_filing=by[(t, "mediated_before_filing")]))
                            for t in RC_TYPES),
        lost=lost,
        by_subject=OrderedDict(sorted(subj.items())),
        head_appearance=OrderedDict(cases=head["cases"], appeared=head["appeared"],
                                    rate_pct=pct(head["appeared"], head["cases"])),
    )


def recount_reconsideration(path):
    raw, enc, delim, header = read_ledger(path, "reconsideration")
    parsed = [dict(id=p_text(c["case_id"]), type=p_enum("reconsideration", "case_type", c["case_type"]),
                   received=p_date(c["received_date"]), status=p_enum("reconsideration", "status", c["status"]),
                   concluded=p_date(c.get("concluded_date", "")),
                   result=p_enum("reconsideration", "result", c.get("result", "")),
                   subject=p_text(c.get("subject", "")), head=p_bool(c.get("head_appeared", "")))
              for c in raw]
    ids = [r["id"] for r in parsed]
    first = [r for i, r in enumerate(parsed) if ids.index(r["id"]) == i]
    live = [r for r in first if P_START <= r["received"] <= P_END]

    def eff(r):
        if r["status"] == "mediated_before_filing" or r["concluded"] is None:
            return r["status"]
        return "concluded" if r["concluded"] <= P_END else "pending"

    lit = [r for r in live if r["type"] in ("litigation_first", "litigation_appeal") and r["head"] is not None]
    figs = OrderedDict(
        rows=OrderedDict(read=len(parsed), counted=len(live), out_of_period=len(first) - len(live),
                         duplicates=len(parsed) - len(first), blank=0, rejected=0),
        by_type=OrderedDict(),
        lost=len([r for r in live if eff(r) == "concluded" and r["result"] == "lost"]),
        by_subject=OrderedDict(sorted(Counter(r["subject"] or "未填写" for r in live).items())),
        head_appearance=OrderedDict(cases=len(lit), appeared=len([r for r in lit if r["head"]]),
                                    rate_pct=pct(len([r for r in lit if r["head"]]), len(lit))),
    )
    for t in RC_TYPES:
        e = [eff(r) for r in live if r["type"] == t]
        figs["by_type"][t] = OrderedDict(new=e.count("pending") + e.count("concluded"), pending=e.count("pending"),
                                         concluded=e.count("concluded"),
                                         mediated_before_filing=e.count("mediated_before_filing"))
    return figs, parsed, (enc, delim, header)


# ═════════════════════════ proposals (2.9) ═════════════════════════

P_TYPES = ["npc_suggestion", "npc_intersession", "cppcc_proposal"]
SAT = ["satisfied", "mostly_satisfied", "dissatisfied", "unrecorded"]
NPC_TOPICS = ["关于加强新就业形态劳动者权益保障的建议", "关于完善灵活就业人员社会保险政策的建议", "关于进一步做好高校毕业生就业工作的建议",
              "关于加大技能人才培养力度的建议", "关于根治工程建设领域欠薪问题的建议", "关于提高城乡居民基础养老金的建议",
              "关于推进零工市场建设的建议", "关于优化人才住房保障政策的建议", "关于加强劳动保障驿站建设的建议",
              "关于扶持返乡青年创业的建议", "关于规范劳务派遣用工的建议", "关于提升工伤认定效率的建议",
              "关于加强养老护理员队伍建设的建议", "关于促进大龄失业人员再就业的建议", "关于完善企业用工指导服务的建议",
              "关于加强外卖骑手职业伤害保障的建议", "关于推动“15分钟就业服务圈”建设的建议"]
CPPCC_TOPICS = ["关于加快数字经济人才引育的提案", "关于完善新业态从业人员社会保障的提案", "关于推进产教融合培养技能人才的提案",
                "关于优化营商环境中人社服务的提案", "关于加强企业劳动关系协调员队伍建设的提案", "关于支持退役军人就业创业的提案",
                "关于完善高层次人才服务保障的提案", "关于做好残疾人就业帮扶的提案", "关于加强农民工技能培训的提案",
                "关于推动青年人才安居的提案", "关于规范人力资源服务市场的提案", "关于提升社保经办便利度的提案",
                "关于加强职业病防治与工伤预防的提案", "关于发展银发人才资源的提案", "关于建设“余杭工匠”学院的提案",
                "关于完善创业担保贷款政策的提案", "关于加强平台企业用工监管的提案", "关于推进和谐劳动关系园区建设的提案",
                "关于引导高校毕业生到基层就业的提案", "关于优化人才评价机制的提案", "关于发展家政服务业、扩大就业的提案",
                "关于强化“智慧仲裁”建设的提案", "关于加强中小企业用工培训的提案"]
DEPUTIES = ["沈建华", "陆玉兰", "钟志强", "俞晓梅", "姚国平", "邵丽", "章伟", "楼晓东", "金海燕", "蒋华", "潘春燕", "郎永福"]


def gen_proposals():
    rng = random.Random(20230301)
    P = []
    npc_no = iter(sorted(rng.sample(range(1, 261), 15)))
    cp_no = iter(sorted(rng.sample(range(1, 301), 22)))

    def item(pid, ptype, role, assigned, due, replied, sat, title, who):
        assert replied is None or due is None or replied <= due or assigned.year < 2023
        P.append(dict(id=pid, type=ptype, role=role, assigned=assigned, due=due, replied=replied, sat=sat,
                      title=title, who=who))

    # 2022 (out of period)
    item("区十六届人大一次会议第0087号", "npc_suggestion", "assist", dt.date(2022, 3, 10), dt.date(2022, 4, 10),
         dt.date(2022, 4, 18), None, "关于加快零工市场建设的建议", "沈建华")  # replied late
    item("区十六届人大一次会议第0121号", "npc_suggestion", "lead", dt.date(2022, 3, 10), dt.date(2022, 6, 10),
         dt.date(2022, 6, 2), "dissatisfied", "关于提高被征地农民养老待遇的建议", "陆玉兰")
    item("区政协十一届一次会议第0045号", "cppcc_proposal", "lead", dt.date(2022, 3, 15), dt.date(2022, 6, 15),
         dt.date(2022, 6, 8), "satisfied", "关于加强新生代农民工职业培训的提案", "钟志强")
    item("区政协十一届一次会议第0133号", "cppcc_proposal", "assist", dt.date(2022, 3, 15), dt.date(2022, 4, 15),
         dt.date(2022, 4, 12), None, "关于发展托育服务的提案", "俞晓梅")
    item("区人大常委会闭会期间第2022-05号", "npc_intersession", "lead", dt.date(2022, 8, 3), dt.date(2022, 10, 3),
         dt.date(2022, 9, 26), "mostly_satisfied", "关于做好企业退休人员社会化管理的建议", "姚国平")
    # 2023: npc suggestions, 2 lead + 13 assist, assigned after the March session
    npc_t = iter(rng.sample(NPC_TOPICS, 15))
    for role in ["lead"] * 2 + ["assist"] * 13:
        a = rand_date(rng, dt.date(2023, 3, 8), dt.date(2023, 3, 20), True)
        due = a + dt.timedelta(days=90 if role == "lead" else 30)
        rep = a + dt.timedelta(days=rng.randint(12, (due - a).days))
        sat = rng.choice(["satisfied", "mostly_satisfied"]) if role == "lead" else rng.choice(
            ["satisfied", "satisfied", "mostly_satisfied", None, None, None])
        item(f"区十六届人大二次会议第{next(npc_no):04d}号", "npc_suggestion", role, a, due, rep, sat, next(npc_t),
             rng.choice(DEPUTIES))
    # 2023: one inter-session suggestion (lead), assigned in December and
    # answered in January 2024, on time
    item("区人大常委会闭会期间第2023-11号", "npc_intersession", "lead", dt.date(2023, 12, 8), dt.date(2024, 2, 8),
         dt.date(2024, 1, 5), "satisfied", "关于加强建筑工地农民工工资专用账户监管的建议", "章伟")
    # 2023: cppcc proposals, 2 lead + 20 assist
    cp_t = iter(rng.sample(CPPCC_TOPICS, 22))
    for role in ["lead"] * 2 + ["assist"] * 20:
        a = rand_date(rng, dt.date(2023, 3, 10), dt.date(2023, 3, 24), True)
        due = a + dt.timedelta(days=90 if role == "lead" else 30)
        rep = a + dt.timedelta(days=rng.randint(10, (due - a).days))
        sat = rng.choice(["satisfied", "mostly_satisfied"]) if role == "lead" else rng.choice(
            ["satisfied", "mostly_satisfied", None, None, None])
        item(f"区政协十一届二次会议第{next(cp_no):04d}号", "cppcc_proposal", role, a, due, rep, sat, next(cp_t),
             rng.choice(DEPUTIES))
    # ids must be unique
    ids = [p["id"] for p in P]
    assert len(set(ids)) == len(ids), "draw again"
    # two assisting items without a due date (the lead office did not pass it on)
    assists = [p for p in P if p["role"] == "assist" and p["assigned"].year == 2023]
    assists[3]["due"] = None
    assists[15]["due"] = None
    P.sort(key=lambda p: (p["assigned"], p["type"], p["id"]))
    # a title with a comma and quotes
    lead = next(p for p in P if p["type"] == "npc_suggestion" and p["role"] == "lead" and p["assigned"].year == 2023)
    lead["title"] = '关于"稳岗返还"政策直达快享,减轻企业负担的建议'
    # Duplicate (1): a proposal listed twice, once more as 会办
    d = next(p for p in P if p["type"] == "cppcc_proposal" and p["assigned"].year == 2023 and p["role"] == "assist")
    P.insert(P.index(d) + 2, dict(d, dup=True))
    return P


def write_proposals(P):
    rng = random.Random(20230302)
    dates = DateWriter(rng)
    tw = Forms(rng, {w: 1 for ws in VOCAB[("proposals", "proposal_type")].values() for w in ws})
    rw = Forms(rng, {"主办": 1, "协办": 3, "会办": 1})
    sw = VOCAB[("proposals", "satisfaction")]
    header = ["序号", "编号", "类别", "标题", "领衔代表（委员）", "承办方式", "交办日期", "答复期限", "答复日期", "满意度", "备注"]
    rows = []
    for i, p in enumerate(P, 1):
        words = VOCAB[("proposals", "role")][p["role"]]
        rows.append([str(i), p["id"], tw.pick(VOCAB[("proposals", "proposal_type")][p["type"]]), p["title"], p["who"],
                     "会办" if p.get("dup") else rw.pick(words), dates(p["assigned"]), dates(p["due"]),
                     dates(p["replied"]), sw[p["sat"]][0] if p["sat"] else "",
                     "协办意见已送主办单位" if p["role"] == "assist" and not p["sat"] else ""])
    encode_file(DATA / F_PROPOSALS, header, rows, "gb18030", False, "\r\n", ",")
    return header


def count_proposals(P):
    seen = set()
    rows = Counter()
    by = Counter()
    rep = Counter()
    sat = Counter()
    for p in P:
        rows["read"] += 1
        if p["id"] in seen:
            rows["duplicates"] += 1
            continue
        seen.add(p["id"])
        if not in_period(p["assigned"]):
            rows["out_of_period"] += 1
            continue
        rows["counted"] += 1
        by[(p["type"], p["role"])] += 1
        if p["replied"]:
            rep["total"] += 1
            if p["due"]:
                rep["both"] += 1
                rep["on_time"] += p["replied"] <= p["due"]
        sat[p["sat"] or "unrecorded"] += 1
    recorded = sat["satisfied"] + sat["mostly_satisfied"] + sat["dissatisfied"]
    return OrderedDict(
        rows=rows_obj(rows),
        by_type=OrderedDict((t, OrderedDict(total=by[(t, "lead")] + by[(t, "assist")], lead=by[(t, "lead")],
                                            assist=by[(t, "assist")])) for t in P_TYPES),
        replied=OrderedDict(total=rep["total"], on_time=rep["on_time"], on_time_pct=pct(rep["on_time"], rep["both"])),
        satisfaction=OrderedDict([(s, sat[s]) for s in SAT] +
                                 [("rate_pct", pct(sat["satisfied"] + sat["mostly_satisfied"], recorded))]),
    )


def recount_proposals(path):
    raw, enc, delim, header = read_ledger(path, "proposals")
    parsed = [dict(id=p_text(c["proposal_id"]), type=p_enum("proposals", "proposal_type", c["proposal_type"]),
                   role=p_enum("proposals", "role", c["role"]), assigned=p_date(c["assigned_date"]),
                   due=p_date(c.get("due_date", "")), replied=p_date(c.get("replied_date", "")),
                   sat=p_enum("proposals", "satisfaction", c.get("satisfaction", "")))
              for c in raw]
    ids = [r["id"] for r in parsed]
    first = [r for i, r in enumerate(parsed) if ids.index(r["id"]) == i]
    live = [r for r in first if P_START <= r["assigned"] <= P_END]
    both = [r for r in live if r["replied"] and r["due"]]
    on_time = [r for r in both if r["replied"] <= r["due"]]
    rec = [r for r in live if r["sat"]]
    good = [r for r in rec if r["sat"] in ("satisfied", "mostly_satisfied")]
    figs = OrderedDict(
        rows=OrderedDict(read=len(parsed), counted=len(live), out_of_period=len(first) - len(live),
                         duplicates=len(parsed) - len(first), blank=0, rejected=0),
        by_type=OrderedDict((t, OrderedDict(total=len([r for r in live if r["type"] == t]),
                                            lead=len([r for r in live if r["type"] == t and r["role"] == "lead"]),
                                            assist=len([r for r in live if r["type"] == t and r["role"] == "assist"])))
                            for t in P_TYPES),
        replied=OrderedDict(total=len([r for r in live if r["replied"]]), on_time=len(on_time),
                            on_time_pct=pct(len(on_time), len(both))),
        satisfaction=OrderedDict([(s, len([r for r in live if (r["sat"] or "unrecorded") == s])) for s in SAT] +
                                 [("rate_pct", pct(len(good), len(rec)))]),
    )
    return figs, parsed, (enc, delim, header)


# ───────────────────────── the fixture ─────────────────────────


def rows_obj(c):
    return OrderedDict((k, c[k]) for k in ["read", "counted", "out_of_period", "duplicates", "blank", "rejected"])


COMMENTS = {
    "enforcement": (
        f"{F_ENFORCEMENT} (UTF-8 with BOM, CRLF). The period applies to action_date; only in-period first "
        "occurrences feed figures. targets = distinct targets, a target being target_id, or target_name when "
        "target_id is empty, ids and names being separate namespaces. Penalties on persons: 38 actions on 36 "
        "people, 37 targets (one person fined twice, both times by id: one target; one fined once by id and "
        "once by name only: two targets). Penalty rows on enterprises: 34 "
        "actions over the seed's 31 enterprises. Rows with neither id nor name (2 interviews, 2 risks resolved) "
        "count as actions, not targets. Amounts: empty = 0; written as 1234.5, 1,234.50, ¥/￥, 元, full-width "
        "digits. Duplicates: a December-2022 decision re-entered with a January-2023 date (the 2022 row counts: "
        "out of period), a December-2023 penalty re-entered in January 2024, two rows exported twice."
    ),
    "normative": (
        f"{F_NORMATIVE} (GB18030, CRLF). Figure by figure: issued.* by issue_date, cleanup.* by cleanup_date; a "
        "row is counted when it feeds either (35 cleaned up in 2023 + 2 issued in 2023, one of them, issued "
        "2023-05-31, among the cleaned: 36 rows). issued_before = the day after the latest issue_date among the "
        "documents cleaned up in the period. Amended and unrecorded clean-ups all fall in 2022. Duplicates: a "
        "document cleaned up in 2022 listed again with a 2023 clean-up date (the first row counts: it stays out "
        "of the 2023 clean-up), and one 2023 row pasted twice."
    ),
    "disputes": (
        f"{F_DISPUTES} (UTF-16LE with BOM, TAB, CRLF; 2021-07..2023-12 registrations). Figure by figure: "
        "registered by registered_date, closed/mediation/arbitration/cycle_days by closed_date, hearings by "
        "hearing_at; digital_to_date = rows with hearing_mode digital and hearing_at on or before 2023-12-31 "
        "(from 2021: those rows are counted). Empty outcome = pending without a closed_date, unrecorded with "
        "one. mediation.* over process = mediation closed in 2023 (an arbitration case settled by mediation is "
        "closed.by_outcome.mediated but not in the mediation rate). cycle_days = calendar days registered -> "
        "closed over cases closed in 2023; median of an even count is the mean of the two middle values. A "
        "hearing_at without a time counts in total and weekend, never evening; 18:00 is evening, 17:30 is not. "
        "Duplicates by case_id alone, wherever the dates fall (a 2021 digital hearing and a December-2023 "
        "weekend hearing pasted twice add nothing)."
    ),
    "reconsideration": (
        f"{F_RECON} (UTF-8, no BOM, LF). The period applies to received_date. Status decides, except that for "
        "a filed case a concluded_date decides when present: （2023）浙0110行初112号 says 在审 but was decided "
        "2023-09-15 (concluded); （2023）浙0110行初287号 says 已审结 but was decided 2024-01-09 (pending for 2023). "
        "Mediated-before-filing cases are not new and ignore dates. lost counts only cases received and "
        "concluded in the period (the 2022 撤销 is out of period). by_subject includes mediated-before-filing "
        "cases. head_appearance over litigation cases (both instances) received in the period whose "
        "head_appeared is filled (the mediated ones leave it empty). The 负责人出庭 header has a trailing space."
    ),
    "proposals": (
        f"{F_PROPOSALS} (GB18030, CRLF). The period applies to assigned_date. replied.total = items with a "
        "replied_date (the inter-session suggestion assigned 2023-12-08 was answered 2024-01-05, on time, and "
        "counts); on_time_pct over items with both a due_date and a replied_date (two assisting items have no "
        "due date: 38 replied, 36 with both dates). satisfaction.rate_pct over items with a recorded level; "
        "assisting offices mostly get none (unrecorded). 2022 items (one replied late, one 不满意) are out of "
        "period; one 2023 proposal is listed twice: the first row counts."
    ),
}


def write_fixture(sections):
    text = FIXTURE.read_text(encoding="utf-8")
    doc = json.loads(text, object_pairs_hook=OrderedDict)
    for name, figs in sections.items():
        doc[name] = OrderedDict([("_comment", COMMENTS[name])] + list(figs.items()))
    FIXTURE.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ───────────────────────── main ─────────────────────────

SEED_CHECKS = {
    "enforcement": [("by_type.handling_decision.actions", 92), ("by_type.penalty.by_kind.enterprise.targets", 31),
                    ("by_type.credit_deduction.actions", 72), ("by_type.interview.actions", 27),
                    ("by_type.penalty.by_kind.person.actions", 38), ("by_type.police_transfer.actions", 4),
                    ("by_type.risk_resolved.actions", 14)],
    "normative": [("issued.total", 2), ("issued.reviewed", 2), ("issued.published", 2), ("cleanup.total", 35),
                  ("cleanup.by_result.valid", 20), ("cleanup.repealed_or_expired", 15),
                  ("cleanup.issued_before", "2023-06-01")],
    "disputes": [("registered.by_venue_type.station", 2630), ("closed.by_venue_type.station", 1594),
                 ("arbitration.concluded", 421), ("hearings.by_month.2023-12.weekend", 28),
                 ("hearings.digital_to_date", 1771)],
    "reconsideration": [("by_type.reconsideration.new", 2), ("by_type.reconsideration.pending", 1),
                        ("by_type.reconsideration.concluded", 1),
                        ("by_type.reconsideration.mediated_before_filing", 1),
                        ("by_type.litigation_first.new", 2), ("by_type.litigation_first.pending", 1),
                        ("by_type.litigation_first.concluded", 1),
                        ("by_type.litigation_first.mediated_before_filing", 2), ("lost", 0),
                        ("head_appearance.rate_pct", "100.00")],
    "proposals": [("by_type.npc_suggestion.total", 15), ("by_type.npc_suggestion.lead", 2),
                  ("by_type.npc_suggestion.assist", 13), ("by_type.npc_intersession.total", 1),
                  ("by_type.npc_intersession.lead", 1), ("by_type.cppcc_proposal.total", 22),
                  ("by_type.cppcc_proposal.lead", 2), ("by_type.cppcc_proposal.assist", 20),
                  ("replied.on_time_pct", "100.00"), ("satisfaction.rate_pct", "100.00")],
}


def at(d, path):
    for k in path.split("."):
        d = d[k]
    return d


def comparable(recs, keys):
    return [tuple(r[k] for k in keys) for r in recs]


def detection_report():
    print("== header detection over examples/data (winner, runner-up)")
    ok = True
    for f in sorted(DATA.glob("*.csv")):
        records, enc, delim = read_table(f)
        res = detect(records[0])
        q = [r for r in res if r[2]]
        nq = [r for r in res if not r[2]]
        if not q:
            print(f"  {f.name}: NO LEDGER QUALIFIES")
            ok = False
            continue
        win = q[0]
        ru = q[1] if len(q) > 1 else None
        if ru and ru[1] == win[1]:
            ok = False
        near = max(nq, key=lambda r: r[1])
        print(f"  {f.name} [{enc}, {'TAB' if delim == chr(9) else 'comma'}]: {win[0]} {win[1]} columns; "
              + (f"runner-up {ru[0]} {ru[1]}" if ru else "no other ledger qualifies")
              + f"; nearest non-qualifying {near[0]} ({near[1]} found, missing {', '.join(near[3])})")
    return ok


def main():
    check_only = "--check" in sys.argv
    builders = {
        "enforcement": (gen_enforcement, write_enforcement, count_enforcement, recount_enforcement, F_ENFORCEMENT,
                        ["id", "date", "type", "kind", "tid", "tname", "project", "fen"]),
        "normative": (gen_normative, write_normative, count_normative, recount_normative, F_NORMATIVE,
                      ["number", "title", "issue", "reviewed", "published", "cleanup", "result"]),
        "disputes": (gen_disputes, write_disputes, count_disputes, recount_disputes, F_DISPUTES,
                     ["id", "reg", "venue", "vtype", "process", "closed", "hearing", "mode"]),
        "reconsideration": (gen_reconsideration, write_reconsideration, count_reconsideration,
                            recount_reconsideration, F_RECON,
                            ["id", "type", "received", "status", "concluded", "result", "subject", "head"]),
        "proposals": (gen_proposals, write_proposals, count_proposals, recount_proposals, F_PROPOSALS,
                      ["id", "type", "role", "assigned", "due", "replied", "sat"]),
    }
    sections = OrderedDict()
    failed = False
    for name, (gen, write, count, recount, fname, keys) in builders.items():
        recs = gen()
        if not check_only:
            write(recs)
        built = count(recs)
        reread, parsed, (enc, delim, header) = recount(DATA / fname)
        # the file holds exactly the records (text values trimmed)
        mem = [dict(r, tname=r["tname"].strip(WS)) if "tname" in r else r for r in recs]
        if name == "disputes":
            mem = [dict(r, outcome=r["outcome"] or ("unrecorded" if r["closed"] else "pending"),
                        mode=None if r["mode"] == "unrecorded" else r["mode"]) for r in mem]
            keys = keys + ["outcome"]
        if comparable(mem, keys) != comparable(parsed, keys):
            for a, b in zip(comparable(mem, keys), comparable(parsed, keys)):
                if a != b:
                    print("  MISMATCH", a, b)
                    break
            failed = True
        if built != reread:
            print(f"== {name}: construction and re-read disagree")
            print(json.dumps(built, ensure_ascii=False))
            print(json.dumps(reread, ensure_ascii=False))
            failed = True
        r = reread["rows"]
        assert r["read"] == r["counted"] + r["out_of_period"] + r["duplicates"]
        for path, want in SEED_CHECKS[name]:
            got = at(reread, path)
            if got != want:
                print(f"== {name}.{path} = {got}, seed wants {want}")
                failed = True
        sections[name] = built
        print(f"== {name}: {fname} [{enc}, {'TAB' if delim == chr(9) else 'comma'}] rows {dict(r)}")
        print(f"   header: {','.join(header)}")
    d = sections["disputes"]
    assert float(d["mediation"]["success_rate_pct"]) >= 95, d["mediation"]
    if not check_only and not failed:
        write_fixture(sections)
    else:
        want = json.loads(FIXTURE.read_text(encoding="utf-8"), object_pairs_hook=OrderedDict)
        for n, figs in sections.items():
            have = OrderedDict((k, v) for k, v in want.get(n, {}).items() if not k.startswith("_"))
            if have != figs:
                print(f"== fixture section {n} differs from the files")
                failed = True
    if not detection_report():
        failed = True
    if failed:
        sys.exit(1)
    print("== all checks passed")


if __name__ == "__main__":
    main()
