/*
 * govtally C API: saved tallies (docs/state.md). Saving into a caller's
 * buffer (the `needed` contract), resuming from bytes and feeding more,
 * merging in chains, trees and other orders — each compared, JSON text for
 * JSON text, with one run over the same inputs in the same order — the
 * same input twice refused, damaged and foreign states refused with a
 * message, NULL arguments, id prefixes.
 *
 * Usage: test_state DATA_DIR   (DATA_DIR = examples/data)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govtally.h"
#include "check.h"

static const char *data_dir = "examples/data";

static const char COMPLAINTS_2022[] = "信访咨询件登记2022.csv";
static const char COMPLAINTS_2023[] = "信访咨询件登记2023.csv";
static const char ENFORCEMENT[] = "劳动保障监察执法台账2023.csv";
static const char LEGALITY[] = "合法性审查台账2023.csv";

static const char HEADER[] = "登记编号,登记日期,来源渠道,问题类别,件类型\n";

/* A byte string of known length. */
typedef struct {
    uint8_t *data;
    uint64_t len;
} bytes;

static int contains(const char *hay, const char *needle) {
    return hay != NULL && strstr(hay, needle) != NULL;
}

/* Reads a whole file of data_dir; {NULL, 0} on failure. */
static bytes slurp(const char *name) {
    char path[1024];
    FILE *f;
    bytes b = {NULL, 0};
    size_t cap = 0, got;
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        return b;
    }
    do {
        if (b.len == cap) {
            uint8_t *bigger;
            cap = cap ? cap * 2 : 65536;
            bigger = (uint8_t *)realloc(b.data, cap);
            if (bigger == NULL) {
                free(b.data);
                fclose(f);
                b.data = NULL;
                b.len = 0;
                return b;
            }
            b.data = bigger;
        }
        got = fread(b.data + b.len, 1, cap - (size_t)b.len, f);
        b.len += got;
    } while (got > 0);
    fclose(f);
    return b;
}

static bytes text_bytes(const char *s) {
    bytes b;
    b.len = (uint64_t)strlen(s);
    b.data = (uint8_t *)malloc((size_t)b.len + 1);
    if (b.data != NULL) {
        memcpy(b.data, s, (size_t)b.len + 1);
    } else {
        b.len = 0;
    }
    return b;
}

/* `file` (a header line, then records; UTF-8, LF or CRLF) cut into `n`
 * pieces at the record boundaries after the records numbered in `cuts`
 * (n - 1 increasing record counts), each piece starting with the header
 * (and its byte-order mark, if any). A line break is a record boundary
 * when an even number of quotes comes before it. */
static void cut(bytes file, const int *cuts, int n, bytes *out) {
    uint64_t header_end = 0, at, start;
    uint64_t *bounds;
    int records = 0, quotes = 0, i, k = 0;
    while (header_end < file.len && file.data[header_end] != '\n') {
        header_end++;
    }
    header_end++;
    bounds = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(n + 1));
    if (bounds == NULL) {
        for (i = 0; i < n; i++) {
            out[i].data = NULL;
            out[i].len = 0;
        }
        return;
    }
    bounds[0] = header_end;
    for (at = header_end; at < file.len && k < n - 1; at++) {
        if (file.data[at] == '"') {
            quotes++;
        } else if (file.data[at] == '\n' && quotes % 2 == 0) {
            records++;
            if (records == cuts[k]) {
                bounds[++k] = at + 1;
            }
        }
    }
    CHECK(k == n - 1);
    while (k < n - 1) {
        bounds[k + 1] = bounds[k];
        k++;
    }
    bounds[n] = file.len;
    for (i = 0; i < n; i++) {
        start = bounds[i];
        out[i].len = header_end + (bounds[i + 1] - start);
        out[i].data = (uint8_t *)malloc((size_t)out[i].len);
        if (out[i].data == NULL) {
            out[i].len = 0;
            continue;
        }
        memcpy(out[i].data, file.data, (size_t)header_end);
        memcpy(out[i].data + header_end, file.data + start, (size_t)(bounds[i + 1] - start));
    }
    free(bounds);
}

static govtally_options *options_new(int year, int keep) {
    govtally_options *o = NULL;
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    if (year != 0) {
        CHECK_STATUS(govtally_options_set_year(o, year), GOVTALLY_OK);
    }
    CHECK_STATUS(govtally_options_set_skip_bad_rows(o, true), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_keep_state(o, keep ? true : false), GOVTALLY_OK);
    return o;
}

/* Begins input `name` and feeds its bytes in chunks of 1000. */
static void feed(govtally_tally *t, const char *name, bytes b) {
    uint64_t at;
    CHECK_STATUS(govtally_tally_begin_input(t, name), GOVTALLY_OK);
    for (at = 0; at < b.len; at += 1000) {
        uint64_t n = b.len - at < 1000 ? b.len - at : 1000;
        CHECK_STATUS(govtally_tally_feed(t, b.data + at, n), GOVTALLY_OK);
    }
}

/* The report's JSON in a new malloc'ed string (NULL on failure). */
static char *json_of(const govtally_report *r) {
    uint64_t needed = 0;
    char *buf;
    if (r == NULL || govtally_report_json(r, NULL, 0, &needed) != GOVTALLY_BUFFER_TOO_SMALL) {
        return NULL;
    }
    buf = (char *)malloc((size_t)needed);
    if (buf != NULL && govtally_report_json(r, (uint8_t *)buf, needed, NULL) != GOVTALLY_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Finishes and frees `t`; the report's JSON (NULL on failure). */
static char *finish_json(govtally_tally *t) {
    govtally_report *r = NULL;
    char *j;
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    j = json_of(r);
    govtally_report_free(r);
    govtally_tally_free(t);
    return j;
}

/* Finishes and frees `t`; its report (NULL on failure). */
static govtally_report *finish(govtally_tally *t) {
    govtally_report *r = NULL;
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    govtally_tally_free(t);
    return r;
}

static int64_t get_i64(const govtally_report *r, const char *path) {
    int64_t n = INT64_MIN;
    CHECK_STATUS(govtally_report_get_i64(r, path, &n), GOVTALLY_OK);
    return n;
}

/* The tally's state, through the needed contract. */
static bytes save(govtally_tally *t) {
    bytes b = {NULL, 0};
    uint64_t needed = 0;
    CHECK_STATUS(govtally_tally_save_state(t, NULL, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    b.data = (uint8_t *)malloc((size_t)needed);
    if (b.data == NULL) {
        return b;
    }
    CHECK_STATUS(govtally_tally_save_state(t, b.data, needed, NULL), GOVTALLY_OK);
    b.len = needed;
    return b;
}

/* The state of inputs `names[i]`/`in[i]`, i in [from, to), one tally. */
static bytes state_of(govtally_dataset d, const govtally_options *o, char names[][32],
                      const bytes *in, int from, int to) {
    govtally_tally *t = NULL;
    bytes s;
    int i;
    CHECK_STATUS(govtally_tally_new(d, o, &t), GOVTALLY_OK);
    for (i = from; i < to; i++) {
        feed(t, names[i], in[i]);
    }
    s = save(t);
    govtally_tally_free(t);
    return s;
}

/* The merge of `states` in order, as a state: resume the first with NULL
 * options (its own settings), merge the rest. */
static bytes merged(const bytes *states, int n) {
    govtally_tally *t = NULL;
    bytes s = {NULL, 0};
    int i;
    CHECK_STATUS(govtally_tally_resume("s0", states[0].data, states[0].len, NULL, &t), GOVTALLY_OK);
    if (t == NULL) {
        return s;
    }
    for (i = 1; i < n; i++) {
        CHECK_STATUS(govtally_tally_merge_state(t, "s", states[i].data, states[i].len), GOVTALLY_OK);
    }
    s = save(t);
    govtally_tally_free(t);
    return s;
}

static bytes merged2(bytes a, bytes b) {
    bytes two[2];
    two[0] = a;
    two[1] = b;
    return merged(two, 2);
}

/* The JSON of the report of a state resumed with `o` (NULL: its own). */
static char *json_of_state(bytes s, const govtally_options *o) {
    govtally_tally *t = NULL;
    CHECK_STATUS(govtally_tally_resume("state", s.data, s.len, o, &t), GOVTALLY_OK);
    if (t == NULL) {
        return NULL;
    }
    return finish_json(t);
}

static void same(const char *got, const char *want, const char *what) {
    int ok = got != NULL && want != NULL && strcmp(got, want) == 0;
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "  %s: the JSON differs from one run's\n", what);
    }
}

static void free_all(bytes *b, int n) {
    int i;
    for (i = 0; i < n; i++) {
        free(b[i].data);
        b[i].data = NULL;
    }
}

/* --------------------------------------------------------------------- */

static void test_save_buffer(void) {
    static const char csv[] =
        "登记编号,登记日期,来源渠道,问题类别,件类型\n"
        "A1,2023-01-05,来信,欠薪,信访件\n"
        "A2,2023-02-01,来访,社保,咨询件\n";
    govtally_options *o = options_new(2023, 1);
    govtally_options *plain = options_new(2023, 0);
    govtally_tally *t = NULL;
    uint64_t needed = 0, needed2 = 0, i;
    uint8_t *buf, *exact;
    int32_t d = -1;
    int untouched;
    char *m;

    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(t, "1月.csv"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)csv, (uint64_t)strlen(csv)), GOVTALLY_OK);

    /* NULL/0: the size, nothing written */
    CHECK_STATUS(govtally_tally_save_state(t, NULL, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed > 32);
    m = last_error_dup();
    CHECK(contains(m, "buffer too small"));
    free(m);
    /* no `needed`: still the status */
    CHECK_STATUS(govtally_tally_save_state(t, NULL, 0, NULL), GOVTALLY_BUFFER_TOO_SMALL);

    buf = (uint8_t *)malloc((size_t)needed + 16);
    exact = (uint8_t *)malloc((size_t)needed);
    CHECK(buf != NULL && exact != NULL);
    if (buf == NULL || exact == NULL) {
        free(buf);
        free(exact);
        govtally_tally_free(t);
        govtally_options_free(o);
        govtally_options_free(plain);
        return;
    }

    /* one byte short: too small, nothing written, needed said again */
    memset(buf, 0xAB, (size_t)needed + 16);
    CHECK_STATUS(govtally_tally_save_state(t, buf, needed - 1, &needed2), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed2 == needed);
    untouched = 1;
    for (i = 0; i < needed + 16; i++) {
        untouched &= buf[i] == 0xAB;
    }
    CHECK(untouched);

    /* a buffer pointer that is NULL with a capacity */
    CHECK_STATUS(govtally_tally_save_state(t, NULL, needed, &needed2), GOVTALLY_NULL_ARGUMENT);

    /* exact size */
    needed2 = 0;
    CHECK_STATUS(govtally_tally_save_state(t, exact, needed, &needed2), GOVTALLY_OK);
    CHECK(needed2 == needed);
    CHECK(memcmp(exact, "GVTSTATE", 8) == 0);
    CHECK(exact[8] == 1 && exact[9] == 0);  /* format version 1 */
    CHECK(exact[10] == GOVTALLY_DATASET_COMPLAINTS && exact[11] == 0);
    /* header bytes 16..24: the body length, little-endian */
    {
        uint64_t body = 0;
        int k;
        for (k = 7; k >= 0; k--) {
            body = (body << 8) | exact[16 + k];
        }
        CHECK(body + 32 == needed);
    }

    /* larger: the same bytes, nothing written past them */
    CHECK_STATUS(govtally_tally_save_state(t, buf, needed + 16, &needed2), GOVTALLY_OK);
    CHECK(needed2 == needed);
    CHECK(memcmp(buf, exact, (size_t)needed) == 0);
    untouched = 1;
    for (i = needed; i < needed + 16; i++) {
        untouched &= buf[i] == 0xAB;
    }
    CHECK(untouched);
    CHECK_STATUS(govtally_tally_save_state(t, buf, needed, NULL), GOVTALLY_OK);
    CHECK(memcmp(buf, exact, (size_t)needed) == 0);

    CHECK_STATUS(govtally_state_dataset(exact, needed, &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_COMPLAINTS);

    /* the tally goes on: one more input makes a longer, different state */
    CHECK_STATUS(govtally_tally_begin_input(t, "2月.csv"), GOVTALLY_OK);
    {
        static const char more[] =
            "登记编号,登记日期,来源渠道,问题类别,件类型\n"
            "A3,2023-03-01,来信,欠薪,信访件\n";
        CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)more, (uint64_t)strlen(more)), GOVTALLY_OK);
    }
    CHECK_STATUS(govtally_tally_save_state(t, NULL, 0, &needed2), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed2 > needed);
    {
        govtally_report *r = NULL;
        CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
        CHECK(get_i64(r, "total.current") == 3);
        CHECK(get_i64(r, "by_category.欠薪.current") == 2);
        govtally_report_free(r);
    }
    /* after finish: wrong state */
    CHECK_STATUS(govtally_tally_save_state(t, buf, needed + 16, &needed2), GOVTALLY_WRONG_STATE);
    govtally_tally_free(t);

    /* the first state resumed: two items, one 欠薪 (hand-counted) */
    {
        bytes s;
        govtally_report *r;
        s.data = exact;
        s.len = needed;
        t = NULL;
        CHECK_STATUS(govtally_tally_resume("1月.state", s.data, s.len, NULL, &t), GOVTALLY_OK);
        r = finish(t);
        CHECK(get_i64(r, "total.current") == 2);
        CHECK(get_i64(r, "by_category.欠薪.current") == 1);
        CHECK(get_i64(r, "rows.read") == 2);
        govtally_report_free(r);
    }

    /* a tally that keeps no state cannot save one */
    t = NULL;
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, plain, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)csv, (uint64_t)strlen(csv)), GOVTALLY_OK);
    needed2 = 12345;
    CHECK_STATUS(govtally_tally_save_state(t, buf, needed + 16, &needed2), GOVTALLY_INVALID_ARGUMENT);
    CHECK(needed2 == 12345);
    m = last_error_dup();
    CHECK(contains(m, "keep_state"));
    free(m);
    govtally_tally_free(t);
    /* nor can one made with the defaults (NULL options) */
    t = NULL;
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, NULL, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_save_state(t, NULL, 0, &needed2), GOVTALLY_INVALID_ARGUMENT);
    govtally_tally_free(t);

    free(buf);
    free(exact);
    govtally_options_free(o);
    govtally_options_free(plain);
}

/* The 2022 complaints file (UTF-16LE, tabs) saved, resumed and fed the
 * 2023 file (UTF-8, commas): the JSON of one run over both. */
static void test_resume_equals_one_run(void) {
    bytes f[2];
    char names[2][32];
    govtally_options *o = options_new(2023, 1);
    govtally_options *plain = options_new(2023, 0);
    govtally_options *one_thread = options_new(2023, 0);
    govtally_options *other_year = options_new(2022, 0);
    govtally_tally *t = NULL;
    char *want, *got, *m;
    bytes s;
    govtally_report *r;

    CHECK_STATUS(govtally_options_set_threads(one_thread, 1), GOVTALLY_OK);
    f[0] = slurp(COMPLAINTS_2022);
    f[1] = slurp(COMPLAINTS_2023);
    CHECK(f[0].data != NULL && f[1].data != NULL);
    strcpy(names[0], "2022.csv");
    strcpy(names[1], "2023.csv");

    /* the oracle: one run over both, keeping no state */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, plain, &t), GOVTALLY_OK);
    feed(t, names[0], f[0]);
    feed(t, names[1], f[1]);
    r = finish(t);
    want = json_of(r);
    /* the sample's figures (examples/data/README.md) */
    CHECK(get_i64(r, "total.current") == 1270);
    CHECK(get_i64(r, "total.previous") == 1900);
    CHECK(get_i64(r, "rows.read") == 3186);
    CHECK(get_i64(r, "files.1.rows.read") > 0);
    govtally_report_free(r);

    /* keeping state does not change the report */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    feed(t, names[0], f[0]);
    feed(t, names[1], f[1]);
    got = finish_json(t);
    same(got, want, "kept state, one run");
    free(got);

    /* 2022 saved; resumed with the state's own settings; 2023 fed */
    s = state_of(GOVTALLY_DATASET_COMPLAINTS, o, names, f, 0, 1);
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("2022.state", s.data, s.len, NULL, &t), GOVTALLY_OK);
    feed(t, names[1], f[1]);
    got = finish_json(t);
    same(got, want, "resumed (NULL options)");
    free(got);

    /* resumed with options that agree (one thread, no keep_state): the
     * tally keeps no state of its own, so it cannot be saved again — with
     * NULL options it could (above) */
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("2022.state", s.data, s.len, one_thread, &t), GOVTALLY_OK);
    feed(t, names[1], f[1]);
    {
        uint64_t n = 0;
        char *m;
        CHECK_STATUS(govtally_tally_save_state(t, NULL, 0, &n), GOVTALLY_INVALID_ARGUMENT);
        m = last_error_dup();
        CHECK(contains(m, "keep_state"));
        free(m);
    }
    got = finish_json(t);
    same(got, want, "resumed (one thread)");
    free(got);

    /* a resumed state saved again and resumed: a chain */
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("2022.state", s.data, s.len, NULL, &t), GOVTALLY_OK);
    feed(t, names[1], f[1]);
    {
        bytes both = save(t);
        govtally_tally_free(t);
        got = json_of_state(both, NULL);
        same(got, want, "resumed, fed, saved, resumed");
        free(got);
        free(both.data);
    }

    /* options that disagree on the period: refused, saying why */
    t = (govtally_tally *)&t;
    CHECK_STATUS(govtally_tally_resume("2022.state", s.data, s.len, other_year, &t), GOVTALLY_BAD_STATE);
    CHECK(t == (govtally_tally *)&t); /* *out untouched on failure */
    m = last_error_dup();
    CHECK(contains(m, "2022.state"));
    CHECK(contains(m, "was tallied with period 2023-01-01 to 2023-12-31"));
    free(m);

    free(s.data);
    free(want);
    free_all(f, 2);
    govtally_options_free(o);
    govtally_options_free(plain);
    govtally_options_free(one_thread);
    govtally_options_free(other_year);
}

/* A resume chain over pieces of a file: a state after every piece, the
 * next tally resuming it; and merges of the pieces' states in a chain, a
 * tree, leaning right, and in another order. */
static void test_pieces(govtally_dataset d, const char *file, int year, const int *cuts,
                        const char *what) {
    enum { N = 4 };
    bytes whole = slurp(file);
    bytes p[N], s[N];
    char names[N][32];
    govtally_options *o = options_new(year, 1);
    govtally_options *plain = options_new(year, 0);
    govtally_tally *t = NULL;
    char *want, *got;
    bytes state;
    int i;

    CHECK(whole.data != NULL);
    cut(whole, cuts, N, p);
    for (i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "piece%d.csv", i);
    }
    /* the oracle: one run over the pieces in order */
    CHECK_STATUS(govtally_tally_new(d, plain, &t), GOVTALLY_OK);
    for (i = 0; i < N; i++) {
        feed(t, names[i], p[i]);
    }
    want = finish_json(t);
    CHECK(want != NULL);

    /* resume chain */
    state = state_of(d, o, names, p, 0, 1);
    for (i = 1; i < N; i++) {
        bytes next;
        t = NULL;
        CHECK_STATUS(govtally_tally_resume("chain", state.data, state.len, NULL, &t), GOVTALLY_OK);
        feed(t, names[i], p[i]);
        next = save(t);
        govtally_tally_free(t);
        free(state.data);
        state = next;
    }
    got = json_of_state(state, NULL);
    same(got, want, what);
    free(got);
    free(state.data);

    for (i = 0; i < N; i++) {
        s[i] = state_of(d, o, names, p, i, i + 1);
    }
    /* chain ((0+1)+2)+3 */
    state = merged(s, N);
    got = json_of_state(state, NULL);
    same(got, want, what);
    free(got);
    free(state.data);
    /* tree (0+1)+(2+3) */
    {
        bytes a = merged2(s[0], s[1]);
        bytes b = merged2(s[2], s[3]);
        state = merged2(a, b);
        got = json_of_state(state, NULL);
        same(got, want, what);
        free(got);
        free(state.data);
        free(a.data);
        free(b.data);
    }
    /* right-leaning 0+(1+(2+3)) */
    {
        bytes r23 = merged2(s[2], s[3]);
        bytes r123 = merged2(s[1], r23);
        state = merged2(s[0], r123);
        got = json_of_state(state, NULL);
        same(got, want, what);
        free(got);
        free(state.data);
        free(r23.data);
        free(r123.data);
    }
    /* resumed from the state of pieces 0-1, merged with 2, fed piece 3 */
    {
        bytes s01 = state_of(d, o, names, p, 0, 2);
        t = NULL;
        CHECK_STATUS(govtally_tally_resume("s01", s01.data, s01.len, NULL, &t), GOVTALLY_OK);
        CHECK_STATUS(govtally_tally_merge_state(t, "s2", s[2].data, s[2].len), GOVTALLY_OK);
        feed(t, names[3], p[3]);
        got = finish_json(t);
        same(got, want, what);
        free(got);
        free(s01.data);
    }
    free(want);

    /* another order, 3, 1, 0, 2: one run in that order */
    {
        static const int order[N] = {3, 1, 0, 2};
        bytes so[N];
        CHECK_STATUS(govtally_tally_new(d, plain, &t), GOVTALLY_OK);
        for (i = 0; i < N; i++) {
            feed(t, names[order[i]], p[order[i]]);
            so[i] = s[order[i]];
        }
        want = finish_json(t);
        state = merged(so, N);
        got = json_of_state(state, NULL);
        same(got, want, what);
        free(got);
        free(state.data);
        free(want);
    }
    free_all(s, N);
    free_all(p, N);
    free(whole.data);
    govtally_options_free(o);
    govtally_options_free(plain);
}

/* The merge of the pieces of the enforcement sample (UTF-8 with BOM, CRLF,
 * four repeated ids) gives the whole file's figures. */
static void test_pieces_give_whole_figures(void) {
    static const int cuts[3] = {70, 71, 200};
    static const char *const paths[] = {
        "by_type.handling_decision.actions",
        "by_type.penalty.by_kind.enterprise.targets",
        "by_type.credit_deduction.actions",
        "rows.read",
        "rows.counted",
        "rows.duplicates",
    };
    static const int64_t values[] = {92, 31, 72, 297, -1, 4};
    bytes whole = slurp(ENFORCEMENT);
    bytes p[4], s[4], state;
    char names[4][32];
    govtally_options *o = options_new(2023, 1);
    govtally_tally *t = NULL;
    govtally_report *one, *r;
    size_t i;
    CHECK(whole.data != NULL);
    cut(whole, cuts, 4, p);
    for (i = 0; i < 4; i++) {
        snprintf(names[i], sizeof names[i], "part%d.csv", (int)i);
        s[i] = state_of(GOVTALLY_DATASET_ENFORCEMENT, o, names, p, (int)i, (int)i + 1);
    }
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_ENFORCEMENT, o, &t), GOVTALLY_OK);
    feed(t, ENFORCEMENT, whole);
    one = finish(t);
    state = merged(s, 4);
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("parts", state.data, state.len, NULL, &t), GOVTALLY_OK);
    r = finish(t);
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        int64_t a = get_i64(one, paths[i]);
        int64_t b = get_i64(r, paths[i]);
        CHECK(a == b);
        if (values[i] >= 0) {
            CHECK(a == values[i]);
        }
    }
    CHECK(get_i64(r, "files.3.rows.read") == 297 - 200);
    CHECK(get_i64(r, "files.0.rows.read") == 70);
    {
        int64_t n = 0;
        CHECK_STATUS(govtally_report_get_i64(r, "files.4.rows.read", &n), GOVTALLY_NO_SUCH_FIGURE);
    }
    govtally_report_free(one);
    govtally_report_free(r);
    free(state.data);
    free_all(s, 4);
    free_all(p, 4);
    free(whole.data);
    govtally_options_free(o);
}

/* An id in two states: the first state's row counts (hand-computed). */
static void test_first_state_wins(void) {
    char a[512], b[512];
    bytes in[2], s[2], ab, ba;
    char names[2][32];
    govtally_options *o = options_new(2023, 1);
    govtally_report *r;
    govtally_tally *t = NULL;
    snprintf(a, sizeof a, "%sA1,2023-01-05,来信,欠薪,信访件\nA2,2023-02-01,来信,欠薪,信访件\n", HEADER);
    snprintf(b, sizeof b, "%sA2,2022-02-01,来访,社保,咨询件\nA3,2023-03-01,来访,社保,咨询件\n", HEADER);
    in[0] = text_bytes(a);
    in[1] = text_bytes(b);
    strcpy(names[0], "a.csv");
    strcpy(names[1], "b.csv");
    s[0] = state_of(GOVTALLY_DATASET_COMPLAINTS, o, names, in, 0, 1);
    s[1] = state_of(GOVTALLY_DATASET_COMPLAINTS, o, names, in, 1, 2);
    ab = merged2(s[0], s[1]);
    ba = merged2(s[1], s[0]);
    CHECK_STATUS(govtally_tally_resume("ab", ab.data, ab.len, NULL, &t), GOVTALLY_OK);
    r = finish(t);
    CHECK(get_i64(r, "total.current") == 3);
    CHECK(get_i64(r, "total.previous") == 0);
    CHECK(get_i64(r, "by_category.欠薪.current") == 2);
    CHECK(get_i64(r, "rows.duplicates") == 1);
    CHECK(get_i64(r, "files.1.rows.duplicates") == 1);
    govtally_report_free(r);
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("ba", ba.data, ba.len, NULL, &t), GOVTALLY_OK);
    r = finish(t);
    CHECK(get_i64(r, "total.current") == 2);
    CHECK(get_i64(r, "total.previous") == 1);
    CHECK(get_i64(r, "by_category.欠薪.current") == 1);
    CHECK(get_i64(r, "files.1.rows.duplicates") == 1);
    govtally_report_free(r);
    free(ab.data);
    free(ba.data);
    free_all(s, 2);
    free_all(in, 2);
    govtally_options_free(o);
}

/* The same input twice is refused, whether fed again, resumed with or
 * merged; a refused merge leaves the tally as it was. */
static void test_same_input_twice(void) {
    bytes f = slurp(COMPLAINTS_2023), s;
    bytes in[1];
    char names[1][32];
    govtally_options *o = options_new(2023, 1);
    govtally_options *plain = options_new(2023, 0);
    govtally_tally *t = NULL;
    char *want, *got, *m;
    CHECK(f.data != NULL);
    in[0] = f;
    strcpy(names[0], "2023.csv");
    s = state_of(GOVTALLY_DATASET_COMPLAINTS, o, names, in, 0, 1);

    /* fed twice in one tally that keeps state */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    feed(t, "a.csv", f);
    CHECK_STATUS(govtally_tally_begin_input(t, "b.csv"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, f.data, f.len), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(t, "c.csv"), GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "b.csv"));
    CHECK(contains(m, "holds the same bytes as a.csv"));
    free(m);
    govtally_tally_free(t);

    /* resumed, then fed the same bytes under another name */
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("2023.state", s.data, s.len, NULL, &t), GOVTALLY_OK);
    feed(t, "copy.csv", f);
    {
        govtally_report *r = NULL;
        CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_FILE_ERROR);
        CHECK(r == NULL);
        m = last_error_dup();
        CHECK(contains(m, "copy.csv"));
        CHECK(contains(m, "the same input would be counted twice"));
        free(m);
    }
    govtally_tally_free(t);

    /* a state merged into a tally that took its input: refused, and the
     * tally is as it was (its report is the one run's) */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, plain, &t), GOVTALLY_OK);
    feed(t, "2023.csv", f);
    want = finish_json(t);
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("first.state", s.data, s.len, NULL, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_merge_state(t, "again.state", s.data, s.len), GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "2023.csv"));
    CHECK(contains(m, "the same input would be counted twice"));
    free(m);
    got = finish_json(t);
    same(got, want, "after a refused merge");
    free(got);
    free(want);

    /* keep_state off: nothing is remembered, so nothing refused */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, plain, &t), GOVTALLY_OK);
    feed(t, "a.csv", f);
    feed(t, "b.csv", f);
    {
        govtally_report *r = finish(t);
        CHECK(get_i64(r, "rows.duplicates") >= 1);
        govtally_report_free(r);
    }
    free(s.data);
    free(f.data);
    govtally_options_free(o);
    govtally_options_free(plain);
}

/* The last error after a refused state, for resume, merge and dataset. */
static void refused(bytes s, const char *name, const char *message, const char *what) {
    govtally_tally *t = NULL, *c = NULL;
    int32_t d = 77;
    char *m;
    govtally_options *o = options_new(2023, 1);
    int ok;

    t = (govtally_tally *)&d;
    CHECK_STATUS(govtally_tally_resume(name, s.data, s.len, NULL, &t), GOVTALLY_BAD_STATE);
    CHECK(t == (govtally_tally *)&d);
    m = last_error_dup();
    ok = contains(m, name) && contains(m, message);
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "  %s: resume said: %s\n", what, m ? m : "(nothing)");
    }
    free(m);

    CHECK_STATUS(govtally_tally_resume(name, s.data, s.len, o, &t), GOVTALLY_BAD_STATE);
    m = last_error_dup();
    CHECK(contains(m, message));
    free(m);

    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &c), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_merge_state(c, name, s.data, s.len), GOVTALLY_BAD_STATE);
    m = last_error_dup();
    ok = contains(m, name) && contains(m, message);
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "  %s: merge said: %s\n", what, m ? m : "(nothing)");
    }
    free(m);
    /* the tally goes on, empty */
    {
        govtally_report *r = NULL;
        static const char one[] = "登记编号,登记日期\nZ1,2023-06-01\n";
        CHECK_STATUS(govtally_tally_feed(c, (const uint8_t *)one, (uint64_t)strlen(one)), GOVTALLY_OK);
        r = finish(c);
        CHECK(get_i64(r, "total.current") == 1);
        CHECK(get_i64(r, "rows.read") == 1);
        govtally_report_free(r);
    }
    govtally_options_free(o);
    (void)d;
}

static void test_bad_states(void) {
    static const char csv[] =
        "登记编号,登记日期,来源渠道,问题类别,件类型\n"
        "A1,2023-01-05,来信,欠薪,信访件\n"
        "A2,2022-02-01,来访,社保,咨询件\n"
        "A2,2023-02-01,来访,社保,咨询件\n"
        "A3,bad,来访,社保,\n";
    govtally_options *o = options_new(2023, 1);
    govtally_tally *t = NULL;
    bytes s, b;
    char *want;
    int32_t d = 77;
    uint64_t i;
    int taken_badly = 0, refused_all = 1;

    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)csv, (uint64_t)strlen(csv)), GOVTALLY_OK);
    s = save(t);
    govtally_tally_free(t);
    /* The state holds a rejected row (A3), saved under `skip`. Resumed
     * with NULL options (the state's own settings) it takes the state's
     * bad-row policy too, and finishes with the row listed. */
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("s", s.data, s.len, NULL, &t), GOVTALLY_OK);
    {
        govtally_report *r = NULL;
        char *j;
        CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
        j = json_of(r);
        CHECK(j != NULL && contains(j, "\"rejected\": 1"));
        CHECK(j != NULL && contains(j, "\"value\": \"bad\""));
        free(j);
        govtally_report_free(r);
    }
    govtally_tally_free(t);
    want = json_of_state(s, o);
    CHECK(want != NULL);
    CHECK(contains(want, "\"rejected\": 1"));

    /* empty (NULL with length 0 is an empty state, not a NULL argument) */
    b.data = NULL;
    b.len = 0;
    refused(b, "empty.state", "is empty (0 bytes)", "empty");
    CHECK_STATUS(govtally_state_dataset(NULL, 0, &d), GOVTALLY_BAD_STATE);
    CHECK(d == 77);

    /* a CSV given as a state */
    b = text_bytes(csv);
    refused(b, "台账.csv", "is not a govtally state: it is text", "a CSV");
    CHECK_STATUS(govtally_state_dataset(b.data, b.len, &d), GOVTALLY_BAD_STATE);
    CHECK(d == 77);
    free(b.data);
    /* the real sample (UTF-16LE) too */
    b = slurp(COMPLAINTS_2022);
    refused(b, "2022.csv", "is not a govtally state", "a UTF-16 CSV");
    free(b.data);

    /* truncated: the header cut, the body cut, one byte short */
    b.data = s.data;
    b.len = 20;
    refused(b, "cut.state", "is truncated", "truncated header");
    b.len = s.len / 2;
    refused(b, "cut.state", "is truncated", "truncated in half");
    b.len = s.len - 1;
    refused(b, "cut.state", "is truncated", "one byte short");
    CHECK_STATUS(govtally_state_dataset(b.data, b.len, &d), GOVTALLY_BAD_STATE);
    CHECK(d == 77);
    /* one byte too many */
    b.data = (uint8_t *)malloc((size_t)s.len + 1);
    if (b.data != NULL) {
        memcpy(b.data, s.data, (size_t)s.len);
        b.data[s.len] = 0;
        b.len = s.len + 1;
        refused(b, "long.state", "is damaged", "one byte too many");
        free(b.data);
    }

    /* one byte flipped in the body: the checksum */
    b.data = (uint8_t *)malloc((size_t)s.len);
    CHECK(b.data != NULL);
    if (b.data != NULL) {
        b.len = s.len;
        memcpy(b.data, s.data, (size_t)s.len);
        b.data[s.len - 3] ^= 0x10;
        refused(b, "flipped.state", "is damaged: its checksum does not match", "body byte flipped");
        CHECK_STATUS(govtally_state_dataset(b.data, b.len, &d), GOVTALLY_BAD_STATE);
        CHECK(d == 77);
        /* another version */
        memcpy(b.data, s.data, (size_t)s.len);
        b.data[8] = 2;
        refused(b, "v2.state", "is a state of format version 2; this govtally reads version 1", "version 2");
        /* magic damaged */
        memcpy(b.data, s.data, (size_t)s.len);
        b.data[0] = 'X';
        refused(b, "magic.state", "is not a govtally state", "magic");

        /* every byte flipped (each bit in turn): refused, or — only the
         * reserved header bytes 12..16 — read as it was */
        for (i = 0; i < s.len; i++) {
            int bit;
            for (bit = 0; bit < 8; bit++) {
                govtally_status st;
                memcpy(b.data, s.data, (size_t)s.len);
                b.data[i] ^= (uint8_t)(1u << bit);
                t = NULL;
                st = govtally_tally_resume("x", b.data, b.len, o, &t);
                if (st == GOVTALLY_OK) {
                    char *got = finish_json(t);
                    if (i < 12 || i >= 16 || got == NULL || strcmp(got, want) != 0) {
                        taken_badly++;
                        fprintf(stderr, "  byte %d bit %d was taken\n", (int)i, bit);
                    }
                    free(got);
                } else if (st != GOVTALLY_BAD_STATE) {
                    refused_all = 0;
                    fprintf(stderr, "  byte %d bit %d: status %d\n", (int)i, bit, (int)st);
                }
            }
        }
        CHECK(taken_badly == 0);
        CHECK(refused_all);
        free(b.data);
    }

    /* another ledger's state, into a complaints tally */
    {
        static const char legality[] =
            "审查编号,文件类型,收文日期\nH1,行政合同,2023-05-04\n";
        govtally_tally *c = NULL;
        char *m;
        CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
        CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)legality, (uint64_t)strlen(legality)), GOVTALLY_OK);
        b = save(t);
        govtally_tally_free(t);
        CHECK_STATUS(govtally_state_dataset(b.data, b.len, &d), GOVTALLY_OK);
        CHECK(d == GOVTALLY_DATASET_LEGALITY);
        CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &c), GOVTALLY_OK);
        CHECK_STATUS(govtally_tally_merge_state(c, "legality.state", b.data, b.len), GOVTALLY_BAD_STATE);
        m = last_error_dup();
        CHECK(contains(m, "legality.state"));
        CHECK(contains(m, "is a state of the legality ledger; this tally is of complaints"));
        free(m);
        govtally_tally_free(c);
        /* resumed on its own, it is a legality tally */
        t = NULL;
        CHECK_STATUS(govtally_tally_resume("legality.state", b.data, b.len, NULL, &t), GOVTALLY_OK);
        {
            govtally_report *r = finish(t);
            CHECK(get_i64(r, "reviews.by_type.administrative_contract") == 1);
            govtally_report_free(r);
        }
        free(b.data);
    }

    /* other settings: half-even rounding */
    {
        govtally_options *even = options_new(2023, 1);
        govtally_tally *c = NULL;
        char *m;
        CHECK_STATUS(govtally_options_set_rounding(even, "half-even"), GOVTALLY_OK);
        CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, even, &c), GOVTALLY_OK);
        CHECK_STATUS(govtally_tally_merge_state(c, "s.state", s.data, s.len), GOVTALLY_BAD_STATE);
        m = last_error_dup();
        CHECK(contains(m, "was tallied with rounding half-away-from-zero"));
        free(m);
        govtally_tally_free(c);
        govtally_options_free(even);
    }
    /* the sound state is still read as it was */
    {
        char *got = json_of_state(s, o);
        same(got, want, "the sound state");
        free(got);
    }
    free(want);
    free(s.data);
    govtally_options_free(o);
}

static void test_null_arguments(void) {
    govtally_options *o = options_new(2023, 1);
    govtally_tally *t = NULL, *done = NULL;
    govtally_report *r = NULL;
    bytes s;
    uint64_t needed = 0;
    int32_t d = 77;
    static const char one[] = "登记编号,登记日期\nZ1,2023-06-01\n";
    char *m;

    CHECK_STATUS(govtally_options_set_keep_state(NULL, true), GOVTALLY_NULL_ARGUMENT);
    m = last_error_dup();
    CHECK(contains(m, "`options` is NULL"));
    free(m);
    CHECK_STATUS(govtally_options_set_id_prefix(NULL, "余杭"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_id_prefix(o, NULL), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_id_prefix(o, ""), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_id_prefix(o, "\xff\xfe"), GOVTALLY_INVALID_ARGUMENT);

    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)one, (uint64_t)strlen(one)), GOVTALLY_OK);
    s = save(t);

    CHECK_STATUS(govtally_tally_save_state(NULL, NULL, 0, &needed), GOVTALLY_NULL_ARGUMENT);
    m = last_error_dup();
    CHECK(contains(m, "`tally` is NULL"));
    free(m);
    CHECK_STATUS(govtally_tally_resume("s", s.data, s.len, NULL, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_resume("s", NULL, s.len, NULL, &done), GOVTALLY_NULL_ARGUMENT);
    m = last_error_dup();
    CHECK(contains(m, "`state` is NULL"));
    free(m);
    CHECK(done == NULL);
    CHECK_STATUS(govtally_tally_merge_state(NULL, "s", s.data, s.len), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_merge_state(t, "s", NULL, s.len), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_state_dataset(s.data, s.len, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_state_dataset(NULL, s.len, &d), GOVTALLY_NULL_ARGUMENT);
    CHECK(d == 77);
    /* a name that is not UTF-8 */
    CHECK_STATUS(govtally_tally_resume("\xff", s.data, s.len, NULL, &done), GOVTALLY_INVALID_ARGUMENT);
    /* NULL names are `<state>` */
    CHECK_STATUS(govtally_tally_resume(NULL, s.data, 10, NULL, &done), GOVTALLY_BAD_STATE);
    m = last_error_dup();
    CHECK(contains(m, "<state>"));
    free(m);
    CHECK_STATUS(govtally_tally_resume(NULL, s.data, s.len, NULL, &done), GOVTALLY_OK);
    CHECK(done != NULL);

    /* after finish: merge and save are the wrong state */
    CHECK_STATUS(govtally_tally_finish(done, &r), GOVTALLY_OK);
    CHECK(get_i64(r, "total.current") == 1);
    govtally_report_free(r);
    CHECK_STATUS(govtally_tally_merge_state(done, "s", s.data, s.len), GOVTALLY_WRONG_STATE);
    CHECK_STATUS(govtally_tally_save_state(done, NULL, 0, &needed), GOVTALLY_WRONG_STATE);
    govtally_tally_free(done);

    /* the refused calls left `t` as it was */
    {
        bytes again = save(t);
        CHECK(again.len == s.len && again.data != NULL && memcmp(again.data, s.data, (size_t)s.len) == 0);
        free(again.data);
    }
    govtally_tally_free(t);
    free(s.data);
    govtally_options_free(o);
}

/* Id prefixes keep districts' ids apart (hand-computed). */
static void test_id_prefix(void) {
    char a[512], b[512];
    bytes in[2], s[2], m;
    char names[2][32];
    govtally_options *yuhang = options_new(2023, 1);
    govtally_options *xihu = options_new(2023, 1);
    govtally_options *none = options_new(2023, 1);
    govtally_tally *t = NULL;
    govtally_report *r;
    CHECK_STATUS(govtally_options_set_id_prefix(yuhang, "余杭"), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_id_prefix(xihu, "西湖"), GOVTALLY_OK);
    /* both districts number from A1; A2 is repeated within 余杭 */
    snprintf(a, sizeof a, "%sA1,2023-01-05,来信,欠薪,信访件\nA2,2023-02-01,来信,欠薪,信访件\nA2,2023-02-01,来信,欠薪,信访件\n", HEADER);
    snprintf(b, sizeof b, "%sA1,2023-03-01,来访,社保,咨询件\nA2,2023-04-01,来访,欠薪,咨询件\nA3,2022-05-01,来访,社保,咨询件\n", HEADER);
    in[0] = text_bytes(a);
    in[1] = text_bytes(b);
    strcpy(names[0], "余杭.csv");
    strcpy(names[1], "西湖.csv");

    s[0] = state_of(GOVTALLY_DATASET_COMPLAINTS, yuhang, names, in, 0, 1);
    s[1] = state_of(GOVTALLY_DATASET_COMPLAINTS, xihu, names, in, 1, 2);
    m = merged(s, 2);
    CHECK_STATUS(govtally_tally_resume("city", m.data, m.len, NULL, &t), GOVTALLY_OK);
    r = finish(t);
    CHECK(get_i64(r, "total.current") == 4);
    CHECK(get_i64(r, "total.previous") == 1);
    CHECK(get_i64(r, "by_category.欠薪.current") == 3);
    CHECK(get_i64(r, "rows.duplicates") == 1);
    CHECK(get_i64(r, "files.0.rows.duplicates") == 1);
    CHECK(get_i64(r, "files.1.rows.duplicates") == 0);
    govtally_report_free(r);
    free(m.data);
    free_all(s, 2);

    /* without prefixes the ids meet: 西湖's A1 and A2 are duplicates */
    s[0] = state_of(GOVTALLY_DATASET_COMPLAINTS, none, names, in, 0, 1);
    s[1] = state_of(GOVTALLY_DATASET_COMPLAINTS, none, names, in, 1, 2);
    m = merged(s, 2);
    t = NULL;
    CHECK_STATUS(govtally_tally_resume("city", m.data, m.len, NULL, &t), GOVTALLY_OK);
    r = finish(t);
    CHECK(get_i64(r, "total.current") == 2);
    CHECK(get_i64(r, "total.previous") == 1);
    CHECK(get_i64(r, "rows.duplicates") == 3);
    CHECK(get_i64(r, "files.1.rows.duplicates") == 2);
    govtally_report_free(r);
    free(m.data);
    free_all(s, 2);

    /* one prefix for both districts: their ids meet again */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, yuhang, &t), GOVTALLY_OK);
    feed(t, names[0], in[0]);
    feed(t, names[1], in[1]);
    r = finish(t);
    CHECK(get_i64(r, "total.current") == 2);
    govtally_report_free(r);

    free_all(in, 2);
    govtally_options_free(yuhang);
    govtally_options_free(xihu);
    govtally_options_free(none);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        data_dir = argv[1];
    }
    test_save_buffer();
    test_resume_equals_one_run();
    {
        /* record counts after which the files are cut: a piece of one
         * record among them */
        static const int complaints[3] = {400, 401, 900};
        static const int enforcement[3] = {40, 41, 150};
        static const int legality[3] = {10, 11, 60};
        test_pieces(GOVTALLY_DATASET_COMPLAINTS, COMPLAINTS_2023, 2023, complaints, "complaints 2023 pieces");
        test_pieces(GOVTALLY_DATASET_ENFORCEMENT, ENFORCEMENT, 2023, enforcement, "enforcement pieces");
        test_pieces(GOVTALLY_DATASET_LEGALITY, LEGALITY, 0, legality,
                    "legality pieces (GB18030, period inferred)");
    }
    test_pieces_give_whole_figures();
    test_first_state_wins();
    test_same_input_twice();
    test_bad_states();
    test_null_arguments();
    test_id_prefix();
    return check_report("test_state");
}
