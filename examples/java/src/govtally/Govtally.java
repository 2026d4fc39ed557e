package govtally;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Java binding of the govtally C ABI ({@code include/govtally.h}) through JNA.
 *
 * <p>{@link Lib} maps every C function with exact fixed-width types
 * ({@code int32_t} → {@code int}, {@code uint32_t} → {@code int},
 * {@code uint64_t} → {@code long}, {@code uint8_t} → {@code byte},
 * {@code bool} → {@code byte} 0/1, handles → {@link Pointer}); strings go
 * in as NUL-terminated UTF-8 byte arrays and come out decoded as UTF-8,
 * whatever the platform's default encoding. {@link Options}, {@link Tally}
 * and {@link Report} own one native handle each and free it in
 * {@link AutoCloseable#close()}. A failing call throws a
 * {@link GovtallyException} carrying the status and the library's message.
 *
 * <p>Thread safety: a wrapper object must not be used by two threads at
 * once; separate objects may be used on separate threads at the same time.
 */
public final class Govtally {
    private Govtally() {}

    /** The C functions, one for one. */
    public interface Lib extends Library {
        Pointer govtally_version();
        int govtally_abi_version();
        Pointer govtally_status_str(int status);
        int govtally_last_error(byte[] buf, long cap, LongByReference needed);
        int govtally_dataset_from_name(byte[] name, IntByReference out);

        int govtally_options_new(PointerByReference out);
        void govtally_options_free(Pointer options);
        int govtally_options_set_period(Pointer options, byte[] from, byte[] to);
        int govtally_options_set_year(Pointer options, int year);
        int govtally_options_set_encoding(Pointer options, byte[] name);
        int govtally_options_set_delimiter(Pointer options, byte delimiter);
        int govtally_options_set_skip_bad_rows(Pointer options, byte skip);
        int govtally_options_set_rounding(Pointer options, byte[] rule);

        int govtally_options_set_threads(Pointer options, int threads);
        int govtally_options_set_max_record_bytes(Pointer options, long bytes);
        int govtally_options_set_max_columns(Pointer options, long columns);
        int govtally_options_set_max_problems(Pointer options, long problems);
        int govtally_options_set_max_workbook_bytes(Pointer options, long bytes);
        int govtally_options_set_max_sheet_bytes(Pointer options, long bytes);
        int govtally_options_set_max_sheet_cells(Pointer options, long cells);
        int govtally_options_add_alias(Pointer options, byte[] header, byte[] key);
        int govtally_options_set_keep_state(Pointer options, byte keep);
        int govtally_options_set_id_prefix(Pointer options, byte[] prefix);

        int govtally_tally_new(int dataset, Pointer options, PointerByReference out);
        int govtally_tally_feed(Pointer tally, byte[] data, long len);
        int govtally_tally_begin_input(Pointer tally, byte[] name);
        int govtally_tally_feed_file(Pointer tally, byte[] path);
        int govtally_tally_feed_workbook(Pointer tally, byte[] name, byte[] data, long len, byte[] sheet);
        int govtally_tally_finish(Pointer tally, PointerByReference out);
        void govtally_tally_free(Pointer tally);

        int govtally_tally_save_state(Pointer tally, byte[] buf, long cap, LongByReference needed);
        int govtally_tally_resume(byte[] name, byte[] state, long len, Pointer options, PointerByReference out);
        int govtally_tally_merge_state(Pointer tally, byte[] name, byte[] state, long len);
        int govtally_state_dataset(byte[] state, long len, IntByReference out);

        int govtally_report_json(Pointer report, byte[] buf, long cap, LongByReference needed);

        int govtally_report_text(Pointer report, byte[] buf, long cap, LongByReference needed);

        int govtally_report_prose(Pointer[] reports, long count, byte[] templateSource, long templateLen,
                                  byte[] buf, long cap, LongByReference needed);

        Pointer govtally_dataset_name(int dataset);
        int govtally_report_get_i64(Pointer report, byte[] path, LongByReference out);
        int govtally_report_get_f64(Pointer report, byte[] path, DoubleByReference out);
        void govtally_report_free(Pointer report);
    }

    /** The library, loaded from {@code jna.library.path} or the system paths. */
    public static final Lib LIB = Native.load("govtally", Lib.class);

    /** {@code GOVTALLY_ABI_VERSION} of the header this binding was written against. */
    public static final int ABI_VERSION = 1;

    // Statuses (govtally_status); the values never change.
    public static final int OK = 0;
    public static final int NULL_ARGUMENT = 1;
    public static final int INVALID_ARGUMENT = 2;
    public static final int WRONG_STATE = 3;
    public static final int IO_ERROR = 4;
    public static final int FILE_ERROR = 5;
    public static final int REJECTED_ROWS = 6;
    public static final int BUFFER_TOO_SMALL = 7;
    public static final int VALUE_IS_NULL = 8;
    public static final int NO_SUCH_FIGURE = 9;
    public static final int PANIC = 10;
    public static final int NO_PERIOD = 11;
    public static final int TEMPLATE_ERROR = 12;
    public static final int BAD_STATE = 13;

    /** Every status, in order of value: {@code STATUSES[s]} is status {@code s}. */
    static final int[] STATUSES = {
        OK, NULL_ARGUMENT, INVALID_ARGUMENT, WRONG_STATE, IO_ERROR, FILE_ERROR, REJECTED_ROWS,
        BUFFER_TOO_SMALL, VALUE_IS_NULL, NO_SUCH_FIGURE, PANIC, NO_PERIOD, TEMPLATE_ERROR, BAD_STATE,
    };

    /** The datasets (govtally_dataset). */
    public enum Dataset {
        LEGALITY(0), INSPECTIONS(1), COMPLAINTS(2), ENFORCEMENT(3), NORMATIVE(4), DISPUTES(5),
        RECONSIDERATION(6), PROPOSALS(7);

        final int value;

        Dataset(int value) {
            this.value = value;
        }

        /** The library's name of the dataset ({@code legality}, …). */
        public String libraryName() {
            return libraryName(value);
        }

        /** The name of the library's dataset {@code value}, or null past the last. */
        static String libraryName(int value) {
            Pointer p = LIB.govtally_dataset_name(value);
            return p == null ? null : p.getString(0, "UTF-8");
        }

        /** The dataset of the library's value {@code value}. */
        static Dataset of(int value) {
            for (Dataset d : values()) {
                if (d.value == value) {
                    return d;
                }
            }
            throw new IllegalStateException("unknown dataset value " + value);
        }

        /** By name ({@code legality}, …) or Chinese title, as the library reads it. */
        public static Dataset fromName(String name) {
            IntByReference out = new IntByReference(-1);
            check(LIB.govtally_dataset_from_name(cstr(name), out));
            return of(out.getValue());
        }
    }

    /** The ledger of a saved state (its header and checksum checked). */
    public static Dataset stateDataset(byte[] state) {
        IntByReference out = new IntByReference(-1);
        check(LIB.govtally_state_dataset(state, state.length, out));
        return Dataset.of(out.getValue());
    }

    /** A failed call: its status and the library's message. */
    public static final class GovtallyException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        GovtallyException(int status, String message) {
            super(statusString(status) + ": " + message);
            this.status = status;
        }

        /** The {@code govtally_status} value. */
        public int status() {
            return status;
        }
    }

    /** The library's version, "MAJOR.MINOR.PATCH". */
    public static String version() {
        return LIB.govtally_version().getString(0, "UTF-8");
    }

    /** Fails unless the loaded library speaks the ABI this binding was written for. */
    public static void checkAbi() {
        int abi = LIB.govtally_abi_version();
        if (abi != ABI_VERSION) {
            throw new IllegalStateException("libgovtally ABI " + abi + ", binding expects " + ABI_VERSION);
        }
    }

    /** A status's short description. */
    public static String statusString(int status) {
        return LIB.govtally_status_str(status).getString(0, "UTF-8");
    }

    /** The message of the last failed call on this thread ("" when none). */
    public static String lastError() {
        LongByReference needed = new LongByReference();
        byte[] buf = new byte[256];
        int s = LIB.govtally_last_error(buf, buf.length, needed);
        if (s == BUFFER_TOO_SMALL) {
            buf = new byte[Math.toIntExact(needed.getValue())];
            s = LIB.govtally_last_error(buf, buf.length, needed);
        }
        if (s != OK) {
            return "(no message: " + statusString(s) + ")";
        }
        return fromC(buf, needed.getValue());
    }

    static void check(int status) {
        if (status != OK) {
            throw new GovtallyException(status, lastError());
        }
    }

    /** A NUL-terminated UTF-8 copy of {@code s}. */
    static byte[] cstr(String s) {
        if (s == null) {
            return null;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }

    /**
     * The figure paragraphs of {@code reports} (one per ledger, in any order; the
     * period is the first's) in Chinese, the CLI's {@code --format prose}:
     * {@code template} is the UTF-8 source of a template (docs/templates.md), or
     * null for the built-in one. A template that does not parse or cannot be filled
     * in throws a {@link GovtallyException} of status {@link #TEMPLATE_ERROR} whose
     * message names the line and column ({@code template <template>, line 2,
     * column 7: …}); one that is not UTF-8, {@link #INVALID_ARGUMENT}.
     */
    public static String prose(byte[] template, Report... reports) {
        Pointer[] handles = new Pointer[reports.length];
        for (int i = 0; i < reports.length; i++) {
            handles[i] = reports[i].live();
        }
        Pointer[] array = handles.length == 0 ? null : handles;
        long len = template == null ? 0 : template.length;
        LongByReference needed = new LongByReference();
        int s = LIB.govtally_report_prose(array, handles.length, template, len, null, 0, needed);
        if (s != BUFFER_TOO_SMALL) {
            check(s);
        }
        byte[] buf = new byte[Math.toIntExact(needed.getValue())];
        check(LIB.govtally_report_prose(array, handles.length, template, len, buf, buf.length, needed));
        return fromC(buf, needed.getValue());
    }

    /** Decodes a buffer filled by the library: {@code size} bytes with the NUL. */
    static String fromC(byte[] buf, long size) {
        return new String(buf, 0, Math.toIntExact(size - 1), StandardCharsets.UTF_8);
    }

    /** Tally options: a {@code govtally_options} handle. */
    public static final class Options implements AutoCloseable {
        Pointer handle;

        public Options() {
            PointerByReference out = new PointerByReference();
            check(LIB.govtally_options_new(out));
            handle = out.getValue();
        }

        Pointer live() {
            if (handle == null) {
                throw new IllegalStateException("options already closed");
            }
            return handle;
        }

        public Options year(int year) {
            check(LIB.govtally_options_set_year(live(), year));
            return this;
        }

        public Options period(String from, String to) {
            check(LIB.govtally_options_set_period(live(), cstr(from), cstr(to)));
            return this;
        }

        public Options encoding(String name) {
            check(LIB.govtally_options_set_encoding(live(), cstr(name)));
            return this;
        }

        /** An ASCII delimiter, or 0 for automatic. */
        public Options delimiter(char delimiter) {
            if (delimiter > 0x7f) {
                throw new IllegalArgumentException("the delimiter must be ASCII");
            }
            check(LIB.govtally_options_set_delimiter(live(), (byte) delimiter));
            return this;
        }

        public Options skipBadRows(boolean skip) {
            check(LIB.govtally_options_set_skip_bad_rows(live(), (byte) (skip ? 1 : 0)));
            return this;
        }

        public Options rounding(String rule) {
            check(LIB.govtally_options_set_rounding(live(), cstr(rule)));
            return this;
        }

        /** Worker threads for large inputs; 0 = every available core. */
        public Options threads(int threads) {
            check(LIB.govtally_options_set_threads(live(), threads));
            return this;
        }

        /** Longest record: bytes of its fields' contents (default 1 MiB). */
        public Options maxRecordBytes(long bytes) {
            check(LIB.govtally_options_set_max_record_bytes(live(), bytes));
            return this;
        }

        /** Most columns in a header or row (default 1024). */
        public Options maxColumns(long columns) {
            check(LIB.govtally_options_set_max_columns(live(), columns));
            return this;
        }

        /** Bad rows kept in full (default 100; all are counted). */
        public Options maxProblems(long problems) {
            check(LIB.govtally_options_set_max_problems(live(), problems));
            return this;
        }

        /** Largest workbook read, in bytes (default 256 MiB). */
        public Options maxWorkbookBytes(long bytes) {
            check(LIB.govtally_options_set_max_workbook_bytes(live(), bytes));
            return this;
        }

        /** Largest uncompressed part of a zip workbook, in bytes (default 512 MiB). */
        public Options maxSheetBytes(long bytes) {
            check(LIB.govtally_options_set_max_sheet_bytes(live(), bytes));
            return this;
        }

        /** Most cells of a sheet read whole (.xls, .ods; default 4,000,000). */
        public Options maxSheetCells(long cells) {
            check(LIB.govtally_options_set_max_sheet_cells(live(), cells));
            return this;
        }

        public Options alias(String header, String key) {
            check(LIB.govtally_options_add_alias(live(), cstr(header), cstr(key)));
            return this;
        }

        /**
         * Whether tallies keep what a saved state needs ({@link Tally#saveState()}),
         * and refuse an input taken twice. Off by default.
         */
        public Options keepState(boolean keep) {
            check(LIB.govtally_options_set_keep_state(live(), (byte) (keep ? 1 : 0)));
            return this;
        }

        /**
         * Prefixes every id of the inputs with {@code prefix} (e.g. a district's
         * name), so that states of districts numbering alike merge apart; null or
         * "" removes it.
         */
        public Options idPrefix(String prefix) {
            check(LIB.govtally_options_set_id_prefix(live(), cstr(prefix)));
            return this;
        }

        @Override
        public void close() {
            Pointer h = handle;
            handle = null;
            LIB.govtally_options_free(h); // NULL is fine
        }
    }

    /** A tally: a {@code govtally_tally} handle. */
    public static final class Tally implements AutoCloseable {
        private Pointer handle;

        /** A tally of {@code dataset}; {@code options} may be null for the defaults. */
        public Tally(Dataset dataset, Options options) {
            PointerByReference out = new PointerByReference();
            check(LIB.govtally_tally_new(dataset.value, options == null ? null : options.live(), out));
            handle = out.getValue();
        }

        private Tally(Pointer handle) {
            this.handle = handle;
        }

        /**
         * A tally resumed from a saved state ({@link #saveState()}); {@code name}
         * names it in errors. With {@code options} null the state's period,
         * rounding and aliases are used; otherwise they must agree with the
         * state's. Bad bytes throw {@link GovtallyException} with
         * {@link Govtally#BAD_STATE}.
         */
        public static Tally resume(String name, byte[] state, Options options) {
            PointerByReference out = new PointerByReference();
            check(LIB.govtally_tally_resume(cstr(name), state, state.length,
                                            options == null ? null : options.live(), out));
            return new Tally(out.getValue());
        }

        /** {@link #resume(String, byte[], Options)} named {@code <state>}, with the state's settings. */
        public static Tally resume(byte[] state) {
            return resume(null, state, null);
        }

        /**
         * The tally so far as a state (binary): to keep, resume or merge. Ends
         * the current input; the tally goes on. The options must keep state.
         */
        public byte[] saveState() {
            LongByReference needed = new LongByReference();
            int s = LIB.govtally_tally_save_state(live(), null, 0, needed);
            if (s != BUFFER_TOO_SMALL) {
                check(s);
            }
            byte[] buf = new byte[Math.toIntExact(needed.getValue())];
            check(LIB.govtally_tally_save_state(live(), buf, buf.length, needed));
            return buf;
        }

        /**
         * Takes in a state as if its inputs were fed now, after those taken so
         * far; {@code name} names it in errors. A refused state leaves the
         * tally as it was.
         */
        public Tally mergeState(String name, byte[] state) {
            check(LIB.govtally_tally_merge_state(live(), cstr(name), state, state.length));
            return this;
        }

        /** Merges several states in order, named {@code <state>}. */
        public Tally mergeState(byte[]... states) {
            for (byte[] s : states) {
                mergeState(null, s);
            }
            return this;
        }

        private Pointer live() {
            if (handle == null) {
                throw new IllegalStateException("tally already closed");
            }
            return handle;
        }

        /** Feeds bytes of the current input (any chunk size). */
        public Tally feed(byte[] data) {
            return feed(data, 0, data.length);
        }

        /** Feeds {@code len} bytes of {@code data} from {@code off}. */
        public Tally feed(byte[] data, int off, int len) {
            byte[] chunk = (off == 0 && len == data.length) ? data : Arrays.copyOfRange(data, off, off + len);
            check(LIB.govtally_tally_feed(live(), chunk, len));
            return this;
        }

        /** Starts the next input (file) to be fed, named {@code name} in problems. */
        public Tally beginInput(String name) {
            check(LIB.govtally_tally_begin_input(live(), cstr(name)));
            return this;
        }

        /** Reads a whole file as the next input. */
        public Tally feedFile(String path) {
            check(LIB.govtally_tally_feed_file(live(), cstr(path)));
            return this;
        }

        /**
         * Reads a workbook held in memory (.xlsx, .xls, .ods, ...) as the next input,
         * named {@code name} in problems; {@code sheet} is the sheet to read, or null
         * for every sheet of the tally's ledger.
         */
        public Tally feedWorkbook(String name, byte[] data, String sheet) {
            check(LIB.govtally_tally_feed_workbook(live(), cstr(name), data, data.length,
                                                   sheet == null ? null : cstr(sheet)));
            return this;
        }

        /** Computes the report; close it when done. The tally is finished either way. */
        public Report finish() {
            PointerByReference out = new PointerByReference();
            check(LIB.govtally_tally_finish(live(), out));
            return new Report(out.getValue());
        }

        @Override
        public void close() {
            Pointer h = handle;
            handle = null;
            LIB.govtally_tally_free(h);
        }
    }

    /** A finished report: a {@code govtally_report} handle. */
    public static final class Report implements AutoCloseable {
        private Pointer handle;

        Report(Pointer handle) {
            this.handle = handle;
        }

        Pointer live() {
            if (handle == null) {
                throw new IllegalStateException("report already closed");
            }
            return handle;
        }

        /** The report as pretty-printed JSON. */
        public String json() {
            LongByReference needed = new LongByReference();
            int s = LIB.govtally_report_json(live(), null, 0, needed);
            if (s != BUFFER_TOO_SMALL) {
                check(s);
            }
            byte[] buf = new byte[Math.toIntExact(needed.getValue())];
            check(LIB.govtally_report_json(live(), buf, buf.length, needed));
            return fromC(buf, needed.getValue());
        }

        /** The report as Chinese text, labelled as the annual report labels its figures. */
        public String text() {
            LongByReference needed = new LongByReference();
            int s = LIB.govtally_report_text(live(), null, 0, needed);
            if (s != BUFFER_TOO_SMALL) {
                check(s);
            }
            byte[] buf = new byte[Math.toIntExact(needed.getValue())];
            check(LIB.govtally_report_text(live(), buf, buf.length, needed));
            return fromC(buf, needed.getValue());
        }

        /** This ledger's figure paragraphs with the built-in template ({@code --format prose}). */
        public String prose() {
            return Govtally.prose(null, this);
        }

        /**
         * This ledger's figure paragraphs with the template whose UTF-8 source is
         * {@code template} (null: the built-in one); see {@link Govtally#prose}.
         */
        public String prose(byte[] template) {
            return Govtally.prose(template, this);
        }

        /** An integer figure (a count) at a dotted JSON path. */
        public long getLong(String path) {
            LongByReference out = new LongByReference();
            check(LIB.govtally_report_get_i64(live(), cstr(path), out));
            return out.getValue();
        }

        /** A numeric figure (a percentage, a mean, a count) at a dotted JSON path. */
        public double getDouble(String path) {
            DoubleByReference out = new DoubleByReference();
            check(LIB.govtally_report_get_f64(live(), cstr(path), out));
            return out.getValue();
        }

        @Override
        public void close() {
            Pointer h = handle;
            handle = null;
            LIB.govtally_report_free(h);
        }
    }
}
