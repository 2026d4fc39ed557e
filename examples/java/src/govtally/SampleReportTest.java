package govtally;

import govtally.Govtally.Dataset;
import govtally.Govtally.GovtallyException;
import govtally.Govtally.Options;
import govtally.Govtally.Report;
import govtally.Govtally.Tally;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * Computes the sample report of examples/data through JNA, by file path and
 * by byte arrays fed in 4 KiB chunks, and checks the figures.
 *
 * <pre>java -Djna.library.path=target/release -cp build:/usr/share/java/jna.jar govtally.SampleReportTest examples/data</pre>
 */
public final class SampleReportTest {
    private static int passed = 0;
    private static int failed = 0;

    private static void check(boolean ok, String what) {
        if (ok) {
            passed++;
        } else {
            failed++;
            System.err.println("FAIL: " + what);
        }
    }

    private static void eq(long got, long want, String what) {
        check(got == want, what + ": got " + got + ", want " + want);
    }

    private static void eq(double got, double want, String what) {
        check(got == want, what + ": got " + got + ", want " + want);
    }

    private static void status(Runnable call, int want, String what) {
        try {
            call.run();
            check(false, what + ": no exception, want status " + want);
        } catch (GovtallyException e) {
            check(e.status() == want, what + ": status " + e.status() + " (" + e.getMessage() + "), want " + want);
        }
    }

    /** Tallies files by path. */
    private static Report byPath(Dataset dataset, Options options, Path... files) {
        try (Tally tally = new Tally(dataset, options)) {
            for (Path f : files) {
                tally.feedFile(f.toString());
            }
            return tally.finish();
        }
    }

    /** Tallies files' bytes fed in 4 KiB chunks. */
    private static Report streamed(Dataset dataset, Options options, Path... files) throws IOException {
        try (Tally tally = new Tally(dataset, options)) {
            for (Path f : files) {
                byte[] data = Files.readAllBytes(f);
                // The name the file is fed under is the one by path gives it: the
                // report names its inputs (files[]).
                tally.beginInput(f.toString());
                for (int off = 0; off < data.length; off += 4096) {
                    tally.feed(data, off, Math.min(4096, data.length - off));
                }
            }
            return tally.finish();
        }
    }

    private static void checkLegality(Report r, String how) {
        eq(r.getLong("reviews.by_type.administrative_contract"), 97, how + " administrative_contract");
        eq(r.getLong("reviews.by_type.normative_document"), 3, how + " normative_document");
        eq(r.getLong("opinions.total"), 110, how + " opinions.total");
        eq(r.getLong("rows.read"), 107, how + " rows.read");
        eq(r.getLong("departments.劳动关系科.reviews"), 15, how + " departments.劳动关系科.reviews");
        eq(r.getDouble("review_days.mean"), 7.79, how + " review_days.mean");
    }

    private static void checkInspections(Report r, String how) {
        eq(r.getLong("tasks.total"), 19, how + " tasks.total");
        eq(r.getLong("tasks.joint"), 17, how + " tasks.joint");
        eq(r.getLong("objects.inspections"), 1027, how + " objects.inspections");
    }

    private static void checkComplaints(Report r, String how) {
        eq(r.getLong("total.current"), 1270, how + " total.current");
        eq(r.getLong("total.previous"), 1900, how + " total.previous");
        eq(r.getDouble("total.change_pct"), -33.16, how + " total.change_pct");
        eq(r.getLong("by_category.欠薪.current"), 389, how + " by_category.欠薪.current");
        eq(r.getDouble("by_category.欠薪.change_pct"), -41.33, how + " by_category.欠薪.change_pct");
        status(() -> r.getLong("total.change_pct"), Govtally.INVALID_ARGUMENT, how + " i64 of a percentage");
        status(() -> r.getLong("total.nothing"), Govtally.NO_SUCH_FIGURE, how + " missing figure");
    }

    private static void checkEnforcement(Report r, String how) {
        eq(r.getLong("by_type.handling_decision.actions"), 92, how + " handling decisions");
        eq(r.getLong("by_type.penalty.by_kind.enterprise.targets"), 31, how + " enterprises penalised");
        eq(r.getLong("by_type.credit_deduction.actions"), 72, how + " credit deductions");
        eq(r.getLong("by_type.interview.actions"), 27, how + " interviews");
        eq(r.getLong("by_type.penalty.by_kind.person.actions"), 38, how + " penalties on persons");
        eq(r.getLong("by_type.police_transfer.actions"), 4, how + " police transfers");
        eq(r.getLong("by_type.risk_resolved.actions"), 14, how + " risks resolved");
    }

    /** The JSON of the report of a state resumed with its own settings. */
    private static String jsonOfState(byte[] state) {
        try (Tally t = Tally.resume(state); Report r = t.finish()) {
            return r.json();
        }
    }

    /** The state of {@code files} tallied with {@code options} (which keep state). */
    private static byte[] stateOf(Dataset dataset, Options options, Path... files) {
        try (Tally t = new Tally(dataset, options)) {
            for (Path f : files) {
                t.feedFile(f.toString());
            }
            return t.saveState();
        }
    }

    private static void badState(byte[] state, String message, String what) {
        try {
            Tally.resume("bad.state", state, null).close();
            check(false, what + ": resumed");
        } catch (GovtallyException e) {
            check(e.status() == Govtally.BAD_STATE, what + ": status " + e.status() + ", want BAD_STATE");
            check(e.getMessage().contains("bad.state") && e.getMessage().contains(message),
                  what + ": message " + e.getMessage());
        }
        try (Options o = new Options().year(2023).keepState(true);
             Tally t = new Tally(Dataset.COMPLAINTS, o)) {
            status(() -> t.mergeState("bad.state", state), Govtally.BAD_STATE, what + " (merged)");
        }
        status(() -> Govtally.stateDataset(state), Govtally.BAD_STATE, what + " (state dataset)");
    }

    /** Saved states (docs/state.md): resume, merge, bad states, id prefixes. */
    private static void states(Path data, Path complaints2022, Path complaints2023) {
        String oneRun;
        String reversed;
        try (Options plain = new Options().year(2023)) {
            try (Report r = byPath(Dataset.COMPLAINTS, plain, complaints2022, complaints2023)) {
                oneRun = r.json();
                eq(r.getLong("total.current"), 1270, "states: one run total.current");
            }
            try (Report r = byPath(Dataset.COMPLAINTS, plain, complaints2023, complaints2022)) {
                reversed = r.json();
            }
        }
        try (Options o = new Options().year(2023).keepState(true)) {
            byte[] s2022 = stateOf(Dataset.COMPLAINTS, o, complaints2022);
            byte[] s2023 = stateOf(Dataset.COMPLAINTS, o, complaints2023);
            check(Govtally.stateDataset(s2022) == Dataset.COMPLAINTS, "state dataset");
            check(s2022.length > 32 && new String(s2022, 0, 8, StandardCharsets.US_ASCII).equals("GVTSTATE"),
                  "state magic");

            // Resumed and fed the next file: one run's JSON.
            try (Tally t = Tally.resume("2022.state", s2022, null)) {
                t.feedFile(complaints2023.toString());
                try (Report r = t.finish()) {
                    check(r.json().equals(oneRun), "resume + feed = one run");
                    eq(r.getLong("total.current"), 1270, "resume + feed total.current");
                    eq(r.getLong("total.previous"), 1900, "resume + feed total.previous");
                }
            }
            // Resumed with options that agree.
            try (Tally t = Tally.resume("2022.state", s2022, o)) {
                t.feedFile(complaints2023.toString());
                try (Report r = t.finish()) {
                    check(r.json().equals(oneRun), "resume (options) + feed = one run");
                }
            }
            // Merged, in both orders.
            check(jsonOfState(mergedState(s2022, s2023)).equals(oneRun), "merge 2022+2023 = one run");
            check(jsonOfState(mergedState(s2023, s2022)).equals(reversed), "merge 2023+2022 = one run reversed");
            try (Tally t = Tally.resume(s2022)) {
                t.mergeState(s2023);
                try (Report r = t.finish()) {
                    check(r.json().equals(oneRun), "mergeState(byte[]...) = one run");
                }
            }
            // The same input twice.
            try (Tally t = Tally.resume("a.state", s2022, null)) {
                status(() -> t.mergeState("again.state", s2022), Govtally.FILE_ERROR, "the same state twice");
                t.mergeState("b.state", s2023);
                try (Report r = t.finish()) {
                    check(r.json().equals(oneRun), "a refused merge leaves the tally as it was");
                }
            }
            try (Tally t = Tally.resume("a.state", s2022, null)) {
                try {
                    t.feedFile(complaints2022.toString());
                    t.finish().close();
                    check(false, "the same file after its state: no exception");
                } catch (GovtallyException e) {
                    check(e.status() == Govtally.FILE_ERROR && e.getMessage().contains("counted twice"),
                          "the same file after its state: " + e.getMessage());
                }
            }
            // Bad states.
            badState(new byte[0], "is empty", "empty state");
            badState(Arrays.copyOf(s2022, s2022.length - 1), "is truncated", "truncated state");
            byte[] flipped = s2022.clone();
            flipped[flipped.length / 2] ^= 0x01;
            badState(flipped, "its checksum does not match", "a byte flipped");
            badState("登记编号,登记日期\nA1,2023-01-05\n".getBytes(StandardCharsets.UTF_8),
                     "is not a govtally state", "a CSV");
            try (Options lo = new Options().year(2023).keepState(true);
                 Tally t = new Tally(Dataset.COMPLAINTS, o)) {
                byte[] legality = stateOf(Dataset.LEGALITY, lo, data.resolve("合法性审查台账2023.csv"));
                check(Govtally.stateDataset(legality) == Dataset.LEGALITY, "legality state dataset");
                try {
                    t.mergeState("legality.state", legality);
                    check(false, "another ledger's state: merged");
                } catch (GovtallyException e) {
                    check(e.status() == Govtally.BAD_STATE
                          && e.getMessage().contains("is a state of the legality ledger; this tally is of complaints"),
                          "another ledger's state: " + e.getMessage());
                }
            }
            try (Options other = new Options().year(2022)) {
                status(() -> Tally.resume("2022.state", s2022, other).close(), Govtally.BAD_STATE,
                       "resume with another period");
            }
        }
        // A tally that keeps no state saves none.
        try (Tally t = new Tally(Dataset.COMPLAINTS, null)) {
            status(t::saveState, Govtally.INVALID_ARGUMENT, "save without keepState");
        }
        // Id prefixes: both districts number from A1 (hand-counted: 2 + 2 items,
        // no duplicates; without prefixes the second district's are duplicates).
        byte[] a = "登记编号,登记日期\nA1,2023-01-05\nA2,2023-02-01\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = "登记编号,登记日期\nA1,2023-03-01\nA2,2023-04-01\n".getBytes(StandardCharsets.UTF_8);
        try (Options yh = new Options().year(2023).keepState(true).idPrefix("余杭");
             Options xh = new Options().year(2023).keepState(true).idPrefix("西湖");
             Options none = new Options().year(2023).keepState(true).idPrefix(null)) {
            byte[] sa = fedState(yh, "余杭.csv", a);
            byte[] sb = fedState(xh, "西湖.csv", b);
            try (Tally t = Tally.resume(sa); Report r = t.mergeState("西湖.state", sb).finish()) {
                eq(r.getLong("total.current"), 4, "id prefix: total.current");
                eq(r.getLong("rows.duplicates"), 0, "id prefix: duplicates");
            }
            byte[] na = fedState(none, "余杭.csv", a);
            byte[] nb = fedState(none, "西湖.csv", b);
            try (Tally t = Tally.resume(na); Report r = t.mergeState("西湖.state", nb).finish()) {
                eq(r.getLong("total.current"), 2, "no id prefix: total.current");
                eq(r.getLong("rows.duplicates"), 2, "no id prefix: duplicates");
            }
        }
    }

    private static byte[] fedState(Options o, String name, byte[] csv) {
        try (Tally t = new Tally(Dataset.COMPLAINTS, o)) {
            t.beginInput(name).feed(csv);
            return t.saveState();
        }
    }

    private static byte[] mergedState(byte[]... states) {
        try (Tally t = Tally.resume("s0", states[0], null)) {
            for (int i = 1; i < states.length; i++) {
                t.mergeState("s" + i, states[i]);
            }
            return t.saveState();
        }
    }

    public static void main(String[] args) throws IOException {
        Path data = Paths.get(args.length > 0 ? args[0] : "examples/data");
        Path legality = data.resolve("合法性审查台账2023.csv");
        Path inspections = data.resolve("双随机抽查记录2023.csv");
        Path complaints2022 = data.resolve("信访咨询件登记2022.csv");
        Path complaints2023 = data.resolve("信访咨询件登记2023.csv");
        Path enforcement = data.resolve("劳动保障监察执法台账2023.csv");

        Govtally.checkAbi();
        check(Govtally.version().matches("\\d+\\.\\d+\\.\\d+"), "version " + Govtally.version());
        check(Govtally.statusString(Govtally.OK).equals("ok"), "status string of OK");
        check(Govtally.statusString(99).equals("unknown status"), "status string of 99");
        // The binding lists exactly the library's statuses, in order.
        for (int i = 0; i < Govtally.STATUSES.length; i++) {
            check(Govtally.STATUSES[i] == i, "status " + i + " in order");
            check(!Govtally.statusString(i).equals("unknown status"), "status " + i + " known to the library");
        }
        check(Govtally.statusString(Govtally.STATUSES.length).equals("unknown status"),
              "no status missing from the Java list");
        check(Govtally.statusString(Govtally.BAD_STATE).equals("bad state"), "status string of BAD_STATE");
        check(Dataset.fromName("complaints") == Dataset.COMPLAINTS, "dataset from name");
        check(Dataset.fromName("合法性审查台账") == Dataset.LEGALITY, "dataset from Chinese title");
        check(Dataset.fromName("proposals") == Dataset.PROPOSALS, "dataset from name (proposals)");
        // The binding's enum lists exactly the library's ledgers, in order.
        for (Dataset d : Dataset.values()) {
            check(d.libraryName().equals(d.name().toLowerCase(java.util.Locale.ROOT)), "dataset name " + d);
        }
        check(Dataset.libraryName(Dataset.values().length) == null, "no ledger missing from the Java enum");
        check(Dataset.fromName("劳动保障监察执法台账") == Dataset.ENFORCEMENT, "dataset from title (enforcement)");
        status(() -> Dataset.fromName("nope"), Govtally.INVALID_ARGUMENT, "unknown dataset name");

        try (Options options = new Options().year(2023)) {
            // By path; results read, then freed in finally.
            Report r = byPath(Dataset.LEGALITY, options, legality);
            try {
                checkLegality(r, "legality (file)");
                check(r.json().contains("\"administrative_contract\": 97"), "legality JSON");
            } finally {
                r.close();
            }
            r = streamed(Dataset.LEGALITY, options, legality);
            try {
                checkLegality(r, "legality (4 KiB chunks)");
            } finally {
                r.close();
            }

            r = byPath(Dataset.ENFORCEMENT, options, enforcement);
            String enforcementJson;
            try {
                checkEnforcement(r, "enforcement (file)");
                enforcementJson = r.json();
                String text = r.text();
                check(text.startsWith("【劳动保障监察执法台账】2023-01-01 至 2023-12-31\n"), "enforcement text title");
                check(text.contains("行政处理决定：92 起"), "enforcement text figure");
            } finally {
                r.close();
            }
            r = streamed(Dataset.ENFORCEMENT, options, enforcement);
            try {
                checkEnforcement(r, "enforcement (4 KiB chunks)");
                check(r.json().equals(enforcementJson), "enforcement JSON: chunks = file");
            } finally {
                r.close();
            }

            r = byPath(Dataset.INSPECTIONS, options, inspections);
            try {
                checkInspections(r, "inspections (file)");
            } finally {
                r.close();
            }
            r = streamed(Dataset.INSPECTIONS, options, inspections);
            try {
                checkInspections(r, "inspections (4 KiB chunks)");
            } finally {
                r.close();
            }

            r = byPath(Dataset.COMPLAINTS, options, complaints2022, complaints2023);
            String fileJson;
            try {
                checkComplaints(r, "complaints (files)");
                fileJson = r.json();
            } finally {
                r.close();
            }
            r = streamed(Dataset.COMPLAINTS, options, complaints2022, complaints2023);
            try {
                checkComplaints(r, "complaints (4 KiB chunks)");
                check(r.json().equals(fileJson), "complaints JSON: chunks = files");
            } finally {
                r.close();
            }
            try (Options one = new Options().year(2023).threads(1)) {
                r = byPath(Dataset.COMPLAINTS, one, complaints2022, complaints2023);
                try {
                    check(r.json().equals(fileJson), "complaints JSON: one thread = default threads");
                } finally {
                    r.close();
                }
            }
        }

        // Bad rows: fail lists them, skip reports them.
        byte[] bad = ("审查编号,文件类型,收文日期,审结日期,审查意见数\n"
                + "H1,行政合同,2023-01-05,2023-01-09,2\n"
                + "H2,规范性文件,2023-13-45,,1\n").getBytes(StandardCharsets.UTF_8);
        try (Options options = new Options().year(2023);
             Tally tally = new Tally(Dataset.LEGALITY, options)) {
            tally.feed(bad);
            try {
                tally.finish().close();
                check(false, "rejected rows: no exception");
            } catch (GovtallyException e) {
                check(e.status() == Govtally.REJECTED_ROWS, "rejected rows status " + e.status());
                check(e.getMessage().contains("<input>:3: column `收文日期`, value `2023-13-45`"),
                      "rejected rows message: " + e.getMessage());
            }
            status(() -> tally.feed(bad), Govtally.WRONG_STATE, "feed after finish");
        }
        try (Options options = new Options().year(2023).skipBadRows(true);
             Tally tally = new Tally(Dataset.LEGALITY, options)) {
            tally.feed(bad);
            Report r = tally.finish();
            try {
                eq(r.getLong("rows.rejected"), 1, "skip: rows.rejected");
                eq(r.getLong("problems.items.0.line"), 3, "skip: problems.items.0.line");
                eq(r.getLong("reviews.total"), 1, "skip: reviews.total");
            } finally {
                r.close();
            }
        }
        try (Options options = new Options()) {
            status(() -> options.encoding("latin1"), Govtally.INVALID_ARGUMENT, "unknown encoding");
            status(() -> options.period(null, "2023-12-31"), Govtally.NULL_ARGUMENT, "NULL period start");
            status(() -> byPath(Dataset.LEGALITY, options, data.resolve("missing.csv")).close(),
                   Govtally.IO_ERROR, "missing file");
            status(() -> options.maxRecordBytes(0), Govtally.INVALID_ARGUMENT, "max record bytes 0");
            // No thread count may bring the JVM down: past 64 it is refused.
            status(() -> options.threads(65), Govtally.INVALID_ARGUMENT, "65 threads");
            status(() -> options.threads(-1), Govtally.INVALID_ARGUMENT, "UINT32_MAX threads");
            status(() -> options.threads(Integer.MAX_VALUE), Govtally.INVALID_ARGUMENT, "2^31-1 threads");
            options.threads(64);
        }
        // Limits: a header of more than 4 columns is a file error under
        // maxColumns(4); maxProblems(0) keeps no bad row but counts it.
        try (Options options = new Options().year(2023).skipBadRows(true).maxProblems(0);
             Tally tally = new Tally(Dataset.LEGALITY, options)) {
            tally.feed(bad);
            Report r = tally.finish();
            try {
                eq(r.getLong("problems.total"), 1, "max problems 0: problems.total");
                status(() -> r.getLong("problems.items.0.line"), Govtally.NO_SUCH_FIGURE,
                       "max problems 0: no item kept");
            } finally {
                r.close();
            }
        }
        try (Options options = new Options().year(2023).maxColumns(4)) {
            status(() -> byPath(Dataset.LEGALITY, options, legality).close(),
                   Govtally.FILE_ERROR, "a header past max columns");
        }

        // Workbooks (issue 15): the legality sample as .xlsx and .xlsb by
        // path, as .xls and .xlsm by bytes held in memory, gives the CSV's
        // figures; a truncated one is a file error.
        Path workbooks = data.resolve("../../tests/fixtures/workbooks");
        Path xlsx = workbooks.resolve("legality.xlsx");
        try (Options options = new Options().year(2023)) {
            Report r = byPath(Dataset.LEGALITY, options, xlsx);
            try {
                checkLegality(r, "legality (.xlsx by path)");
            } finally {
                r.close();
            }
            byte[] book = Files.readAllBytes(workbooks.resolve("legality.xls"));
            try (Tally tally = new Tally(Dataset.LEGALITY, options)) {
                tally.feedWorkbook("合法性审查台账.xls", book, "2023年");
                Report w = tally.finish();
                try {
                    checkLegality(w, "legality (.xls bytes, named sheet)");
                } finally {
                    w.close();
                }
            }
            Report b = byPath(Dataset.LEGALITY, options, workbooks.resolve("legality.xlsb"));
            try {
                checkLegality(b, "legality (.xlsb by path)");
            } finally {
                b.close();
            }
            byte[] xlsm = Files.readAllBytes(workbooks.resolve("legality.xlsm"));
            try (Tally tally = new Tally(Dataset.LEGALITY, options)) {
                tally.feedWorkbook("合法性审查台账.xlsm", xlsm, "2023年");
                Report m = tally.finish();
                try {
                    checkLegality(m, "legality (.xlsm bytes, named sheet)");
                } finally {
                    m.close();
                }
            }
            byte[] cut = Arrays.copyOf(Files.readAllBytes(xlsx), 2000);
            status(() -> {
                try (Tally tally = new Tally(Dataset.LEGALITY, options)) {
                    tally.feedWorkbook("cut.xlsx", cut, null);
                }
            }, Govtally.FILE_ERROR, "a truncated workbook");
            status(() -> options.maxSheetCells(0), Govtally.INVALID_ARGUMENT, "max sheet cells 0");
        }

        // Prose (issue 14): the eight sample ledgers' paragraphs are the CLI's
        // bytes (tests/fixtures/prose/sample_2023.txt); one ledger; a user
        // template; template errors with their line and column.
        String expected = new String(Files.readAllBytes(
                data.resolve("../../tests/fixtures/prose/sample_2023.txt")), StandardCharsets.UTF_8);
        String[][] ledgers = {
            {"合法性审查台账2023.csv"}, {"双随机抽查记录2023.csv"},
            {"信访咨询件登记2022.csv", "信访咨询件登记2023.csv"}, {"劳动保障监察执法台账2023.csv"},
            {"行政规范性文件管理台账.csv"}, {"劳动人事争议案件台账2021-2023.csv"},
            {"行政复议与行政诉讼案件台账2022-2023.csv"}, {"建议提案办理台账2022-2023.csv"},
        };
        Report[] all = new Report[ledgers.length];
        try (Options options = new Options().year(2023)) {
            for (Dataset d : Dataset.values()) {
                Path[] files = new Path[ledgers[d.ordinal()].length];
                for (int i = 0; i < files.length; i++) {
                    files[i] = data.resolve(ledgers[d.ordinal()][i]);
                }
                all[d.ordinal()] = byPath(d, options, files);
            }
            check(Govtally.prose(null, all).equals(expected), "prose of the eight ledgers = the CLI's");
            Report complaints = all[Dataset.COMPLAINTS.ordinal()];
            Report legal = all[Dataset.LEGALITY.ordinal()];
            String one = complaints.prose();
            check(one.equals("2023年全区人社领域信访咨询件总量同比下降33.16%。\n"), "complaints prose: " + one);
            check(Govtally.prose(null).equals(""), "prose of no ledger");
            byte[] mine = ("{% if complaints %}\n"
                    + "{{ period.label }}共登记信访咨询件{{ complaints.total.current }}件，\n"
                    + "{{ complaints.total | change(unit=\"件\") }}。\n"
                    + "{% else %}\n"
                    + "未登记信访咨询件。\n"
                    + "{% endif %}\n").getBytes(StandardCharsets.UTF_8);
            String got = complaints.prose(mine);
            check(got.equals("2023年共登记信访咨询件1270件，同比下降33.16%。\n"), "user template: " + got);
            got = Govtally.prose(mine, legal);
            check(got.equals("未登记信访咨询件。\n"), "user template, else branch: " + got);
            try {
                complaints.prose("信访\n总量{{ complaints.total | }}件。\n".getBytes(StandardCharsets.UTF_8));
                check(false, "syntax error: no exception");
            } catch (GovtallyException e) {
                check(e.status() == Govtally.TEMPLATE_ERROR, "syntax error status " + e.status());
                check(e.getMessage().equals("template error: template <template>, line 2, column 25: "
                        + "syntax error: unexpected end of variable block, expected identifier (in `}}`)"),
                      "syntax error message: " + e.getMessage());
            }
            status(() -> complaints.prose("{{ legality.reviews.total }}".getBytes(StandardCharsets.UTF_8)),
                   Govtally.TEMPLATE_ERROR, "a ledger not in the report");
            byte[] notUtf8 = {'{', '{', ' ', 'x', ' ', '}', '}', (byte) 0xff};
            status(() -> complaints.prose(notUtf8), Govtally.INVALID_ARGUMENT, "a template not UTF-8");
        } finally {
            for (Report r : all) {
                if (r != null) {
                    r.close();
                }
            }
        }
        try {
            all[0].prose();
            check(false, "prose of a closed report: no exception");
        } catch (IllegalStateException e) {
            check(true, "prose of a closed report");
        }
        states(data, complaints2022, complaints2023);

        System.out.println("Java: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
