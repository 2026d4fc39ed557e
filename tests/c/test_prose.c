/*
 * govtally C API: the report's paragraphs (govtally_report_prose) — the
 * built-in template over the eight sample ledgers, byte for byte the CLI's
 * `govtally report examples/data --year 2023 --format prose`
 * (tests/fixtures/prose/sample_2023.txt, which tests/formats.rs keeps equal
 * to the CLI's output); one ledger; the buffer contract; user templates
 * with a condition and a filter; template errors with their line and
 * column; a template that is not UTF-8; NULL arguments.
 *
 * Usage: test_prose DATA_DIR   (DATA_DIR = examples/data)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govtally.h"
#include "check.h"

static const char *data_dir = "examples/data";

/* The sample exports, one ledger each, in govtally_dataset order. */
static const char *const FILES[][2] = {
    {"合法性审查台账2023.csv", NULL},
    {"双随机抽查记录2023.csv", NULL},
    {"信访咨询件登记2022.csv", "信访咨询件登记2023.csv"},
    {"劳动保障监察执法台账2023.csv", NULL},
    {"行政规范性文件管理台账.csv", NULL},
    {"劳动人事争议案件台账2021-2023.csv", NULL},
    {"行政复议与行政诉讼案件台账2022-2023.csv", NULL},
    {"建议提案办理台账2022-2023.csv", NULL},
};
#define LEDGERS 8

/* Reads a whole file into a new malloc'ed NUL-terminated buffer. */
static char *slurp(const char *path, uint64_t *len) {
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0, n = 0, got;
    if (f == NULL) {
        return NULL;
    }
    do {
        if (n + 1 >= cap) {
            char *bigger;
            cap = cap ? cap * 2 : 65536;
            bigger = (char *)realloc(data, cap);
            if (bigger == NULL) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = bigger;
        }
        got = fread(data + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    data[n] = '\0';
    *len = (uint64_t)n;
    return data;
}

/* The 2023 report of ledger `d` from the sample exports. */
static govtally_report *sample(int d) {
    govtally_options *o = NULL;
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    char path[1024];
    int i;
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_new((govtally_dataset)d, o, &t), GOVTALLY_OK);
    for (i = 0; i < 2 && FILES[d][i] != NULL; i++) {
        snprintf(path, sizeof path, "%s/%s", data_dir, FILES[d][i]);
        CHECK_STATUS(govtally_tally_feed_file(t, path), GOVTALLY_OK);
    }
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    govtally_tally_free(t);
    govtally_options_free(o);
    return r;
}

/* The paragraphs in a new malloc'ed string (NULL on any failure; then
 * *status is the failing call's). */
static char *prose(const govtally_report *const *reports, uint64_t count, const char *tpl,
                   uint64_t tpl_len, govtally_status *status) {
    uint64_t needed = 0, again = 0;
    char *buf;
    govtally_status s = govtally_report_prose(reports, count, (const uint8_t *)tpl, tpl_len,
                                              NULL, 0, &needed);
    *status = s;
    if (s != GOVTALLY_BUFFER_TOO_SMALL) {
        return NULL;
    }
    buf = (char *)malloc((size_t)needed);
    if (buf == NULL) {
        return NULL;
    }
    s = govtally_report_prose(reports, count, (const uint8_t *)tpl, tpl_len, (uint8_t *)buf,
                              needed, &again);
    *status = s;
    if (s != GOVTALLY_OK || again != needed || strlen(buf) + 1 != needed) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* A user template's paragraphs (NUL-terminated `tpl`). */
static char *with(const govtally_report *const *reports, uint64_t count, const char *tpl) {
    govtally_status s;
    char *text = prose(reports, count, tpl, (uint64_t)strlen(tpl), &s);
    CHECK_STATUS(s, GOVTALLY_OK);
    return text;
}

/* Checks that `tpl` fails with GOVTALLY_TEMPLATE_ERROR and the message
 * `want`, and that neither the buffer nor *needed was written. */
static void template_error(const govtally_report *const *reports, uint64_t count,
                           const char *tpl, const char *want) {
    uint8_t buf[64];
    uint64_t needed = 77;
    char *m;
    memset(buf, 'Z', sizeof buf);
    CHECK_STATUS(govtally_report_prose(reports, count, (const uint8_t *)tpl,
                                       (uint64_t)strlen(tpl), buf, sizeof buf, &needed),
                 GOVTALLY_TEMPLATE_ERROR);
    CHECK(needed == 77);
    CHECK(buf[0] == 'Z');
    m = last_error_dup();
    CHECK(m != NULL && strcmp(m, want) == 0);
    if (m != NULL && strcmp(m, want) != 0) {
        fprintf(stderr, "  got:  %s\n  want: %s\n", m, want);
    }
    free(m);
}

static void test_builtin(govtally_report *const *all, const char *expected) {
    const govtally_report *const *reports = (const govtally_report *const *)all;
    const govtally_report *complaints = all[GOVTALLY_DATASET_COMPLAINTS];
    govtally_status s;
    char *text;

    /* the eight ledgers: the CLI's bytes */
    text = prose(reports, LEDGERS, NULL, 0, &s);
    CHECK_STATUS(s, GOVTALLY_OK);
    CHECK(text != NULL && expected != NULL && strcmp(text, expected) == 0);
    /* a few sentences checked by hand against the seed report */
    CHECK(strstr(text ? text : "", "今年我局重新梳理、制定行政合法性审查工作指引，细化分类，规范流程，"
                                   "共对97份行政合同、3份规范性文件进行合法性审查，提出合法性审查意见110条，"
                                   "有效提升行政合法性审查质量，推进行政合法性审查全覆盖。\n\n") == text);
    CHECK(strstr(text ? text : "", "纠纷调解成功率达95%以上。") != NULL);
    CHECK(strstr(text ? text : "", "\n\n2023年全区人社领域信访咨询件总量同比下降33.16%。\n") != NULL);
    free(text);

    /* the order of the handles does not matter, a repeated ledger is its last */
    {
        const govtally_report *reversed[LEDGERS + 1];
        int i;
        for (i = 0; i < LEDGERS; i++) {
            reversed[i] = all[LEDGERS - 1 - i];
        }
        text = prose(reversed, LEDGERS, NULL, 0, &s);
        CHECK_STATUS(s, GOVTALLY_OK);
        CHECK(text != NULL && expected != NULL && strcmp(text, expected) == 0);
        free(text);
        reversed[LEDGERS] = all[0];
        text = prose(reversed, LEDGERS + 1, NULL, 0, &s);
        CHECK(text != NULL && expected != NULL && strcmp(text, expected) == 0);
        free(text);
    }

    /* one ledger: `govtally complaints 2022.csv 2023.csv --format prose` */
    text = prose(&complaints, 1, NULL, 0, &s);
    CHECK_STATUS(s, GOVTALLY_OK);
    CHECK(text != NULL && strcmp(text, "2023年全区人社领域信访咨询件总量同比下降33.16%。\n") == 0);
    free(text);

    /* no ledger: nothing written, reports may be NULL */
    text = prose(NULL, 0, NULL, 0, &s);
    CHECK_STATUS(s, GOVTALLY_OK);
    CHECK(text != NULL && strcmp(text, "") == 0);
    free(text);
}

static void test_buffers(const govtally_report *complaints) {
    static const char want[] = "2023年全区人社领域信访咨询件总量同比下降33.16%。\n";
    const uint64_t size = sizeof want; /* with the NUL */
    uint8_t small[8];
    uint8_t exact[sizeof want];
    uint8_t big[sizeof want + 8];
    uint64_t needed = 0;

    /* the size alone: NULL buffer, capacity 0; `needed` may be NULL */
    CHECK_STATUS(govtally_report_prose(&complaints, 1, NULL, 0, NULL, 0, &needed),
                 GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed == size);
    CHECK_STATUS(govtally_report_prose(&complaints, 1, NULL, 0, NULL, 0, NULL),
                 GOVTALLY_BUFFER_TOO_SMALL);
    /* a NULL buffer with a capacity */
    needed = 0;
    CHECK_STATUS(govtally_report_prose(&complaints, 1, NULL, 0, NULL, 10, &needed),
                 GOVTALLY_NULL_ARGUMENT);
    CHECK(needed == size);
    /* too small, and one byte short: nothing written, `needed` set */
    memset(small, 'Z', sizeof small);
    needed = 0;
    CHECK_STATUS(govtally_report_prose(&complaints, 1, NULL, 0, small, sizeof small, &needed),
                 GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed == size);
    CHECK(small[0] == 'Z' && small[sizeof small - 1] == 'Z');
    memset(exact, 'Z', sizeof exact);
    CHECK_STATUS(govtally_report_prose(&complaints, 1, NULL, 0, exact, size - 1, &needed),
                 GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(exact[0] == 'Z');
    {
        char *m = last_error_dup();
        char w[160];
        snprintf(w, sizeof w,
                 "buffer too small: %d bytes are needed (with the NUL), the capacity is %d",
                 (int)size, (int)size - 1);
        CHECK(m != NULL && strcmp(m, w) == 0);
        free(m);
    }
    /* the exact size */
    needed = 0;
    CHECK_STATUS(govtally_report_prose(&complaints, 1, NULL, 0, exact, size, &needed),
                 GOVTALLY_OK);
    CHECK(needed == size);
    CHECK(memcmp(exact, want, sizeof want) == 0);
    /* larger: the bytes past the NUL untouched; `needed` NULL */
    memset(big, 'Z', sizeof big);
    CHECK_STATUS(govtally_report_prose(&complaints, 1, NULL, 0, big, sizeof big, NULL),
                 GOVTALLY_OK);
    CHECK(memcmp(big, want, sizeof want) == 0);
    CHECK(big[sizeof want] == 'Z' && big[sizeof big - 1] == 'Z');
}

static void test_user_templates(govtally_report *const *all) {
    const govtally_report *const *reports = (const govtally_report *const *)all;
    const govtally_report *complaints = all[GOVTALLY_DATASET_COMPLAINTS];
    const govtally_report *legality = all[GOVTALLY_DATASET_LEGALITY];
    /* a condition, govtally's filters, minijinja's, a loop, two paragraphs */
    static const char tpl[] =
        "{% if complaints %}\n"
        "{% set c = complaints.total %}\n"
        "{{ period.label }}共登记信访咨询件{{ c.current }}件，\n"
        "{{ c | change(unit=\"件\") }}。\n"
        "{% endif %}\n"
        "\n"
        "{% if disputes and disputes.mediation.success_rate_pct is not none %}\n"
        "调解成功率{{ disputes.mediation.success_rate_pct | pct }}，"
        "{{ (inspections.partners | ranked | map(\"short_dept\") | list)[:2] | join(\"、\") }}。\n"
        "{% else %}\n"
        "未统计调解。\n"
        "{% endif %}\n";
    const govtally_report *two[2];
    char *text;

    text = with(reports, LEDGERS, tpl);
    CHECK(text != NULL
          && strcmp(text, "2023年共登记信访咨询件1270件，同比下降33.16%。\n\n"
                          "调解成功率95.26%，市场监管、司法。\n") == 0);
    if (text != NULL && strcmp(text, "2023年共登记信访咨询件1270件，同比下降33.16%。\n\n"
                                     "调解成功率95.26%，市场监管、司法。\n") != 0) {
        fprintf(stderr, "  got: %s\n", text);
    }
    free(text);

    /* the other branches: no disputes ledger, and complaints absent */
    two[0] = legality;
    two[1] = complaints;
    text = with(two, 2, tpl);
    CHECK(text != NULL
          && strcmp(text, "2023年共登记信访咨询件1270件，同比下降33.16%。\n\n未统计调解。\n") == 0);
    free(text);
    text = with(&legality, 1, tpl);
    CHECK(text != NULL && strcmp(text, "未统计调解。\n") == 0);
    free(text);

    /* the length is what counts: the bytes past it are not read */
    {
        govtally_status s;
        static const char longer[] = "{{ legality.reviews.total }}件 and no more";
        text = prose(&legality, 1, longer, 28 + 3, &s); /* "{{ … }}件" */
        CHECK_STATUS(s, GOVTALLY_OK);
        CHECK(text != NULL && strcmp(text, "100件\n") == 0);
        free(text);
        /* an empty template writes nothing */
        text = prose(&legality, 1, longer, 0, &s);
        CHECK_STATUS(s, GOVTALLY_OK);
        CHECK(text != NULL && strcmp(text, "") == 0);
        free(text);
    }
}

static void test_template_errors(govtally_report *const *all) {
    const govtally_report *const *reports = (const govtally_report *const *)all;
    const govtally_report *complaints = all[GOVTALLY_DATASET_COMPLAINTS];

    /* syntax: an unclosed block, a missing expression */
    template_error(reports, LEDGERS, "第一段。\n{% if complaints %}\n信访{{ complaints.total.current }}件。\n",
                   "template <template>, line 3, column 33: syntax error: unexpected end of input, "
                   "expected end of block (in `件。`)");
    template_error(reports, LEDGERS, "信访\n总量{{ complaints.total | }}件。\n",
                   "template <template>, line 2, column 25: syntax error: unexpected end of variable block, "
                   "expected identifier (in `}}`)");
    /* an unknown filter */
    template_error(reports, LEDGERS, "{% if complaints %}\n总量{{ complaints.total | tongbi }}\n{% endif %}\n",
                   "template <template>, line 2, column 25: unknown filter: filter tongbi is unknown (in `tongbi`)");
    /* at run time: a figure no report has, a filter given what it cannot phrase */
    template_error(&complaints, 1, "{{ period.label }}\n{{ complaints.total.nope }}\n",
                   "template <template>, line 2, column 4: undefined value: `complaints.total.nope` is undefined (in `complaints.total.nope`)");
    template_error(&complaints, 1, "一二三{{ complaints.total.current | date }}\n",
                   "template <template>, line 1, column 34: invalid operation: date: expects an ISO date, got 1270 (in `date`)");
    /* a ledger named without testing it first */
    template_error(&complaints, 1, "{{ legality.reviews.total }}",
                   "template <template>, line 1, column 12: undefined value: `legality.reviews` is undefined (in `.reviews.total`)");
}

static void test_bad_arguments(govtally_report *const *all) {
    const govtally_report *complaints = all[GOVTALLY_DATASET_COMPLAINTS];
    const govtally_report *with_null[2];
    uint8_t buf[256];
    uint64_t needed = 77;
    char *m;

    /* a template that is not UTF-8 */
    {
        static const char bad[] = "信访{{ complaints.total.current }}\xff\xfe件";
        CHECK_STATUS(govtally_report_prose(&complaints, 1, (const uint8_t *)bad,
                                           (uint64_t)strlen(bad), buf, sizeof buf, &needed),
                     GOVTALLY_INVALID_ARGUMENT);
        CHECK(needed == 77);
        m = last_error_dup();
        CHECK(m != NULL && strcmp(m, "`template_source` is not valid UTF-8 "
                                     "(invalid utf-8 sequence of 1 bytes from index 36)") == 0);
        free(m);
        /* a multi-byte character cut by the length */
        CHECK_STATUS(govtally_report_prose(&complaints, 1, (const uint8_t *)"信访", 2, buf,
                                           sizeof buf, &needed),
                     GOVTALLY_INVALID_ARGUMENT);
        m = last_error_dup();
        CHECK(m != NULL && strcmp(m, "`template_source` is not valid UTF-8 "
                                     "(incomplete utf-8 byte sequence from index 0)") == 0);
        free(m);
    }
    /* a NUL inside the template is a character like any other: it is
     * copied, and `needed` counts every byte */
    {
        static const char nul[] = "a\0b";
        CHECK_STATUS(govtally_report_prose(&complaints, 1, (const uint8_t *)nul, 3, NULL, 0, &needed),
                     GOVTALLY_BUFFER_TOO_SMALL);
        CHECK(needed == 5);
        CHECK_STATUS(govtally_report_prose(&complaints, 1, (const uint8_t *)nul, 3, buf, 5, &needed),
                     GOVTALLY_OK);
        CHECK(memcmp(buf, "a\0b\n\0", 5) == 0);
        needed = 77;
    }

    /* NULL arguments */
    CHECK_STATUS(govtally_report_prose(NULL, 1, NULL, 0, buf, sizeof buf, &needed),
                 GOVTALLY_NULL_ARGUMENT);
    m = last_error_dup();
    CHECK(m != NULL && strcmp(m, "`reports` is NULL") == 0);
    free(m);
    with_null[0] = complaints;
    with_null[1] = NULL;
    CHECK_STATUS(govtally_report_prose(with_null, 2, NULL, 0, buf, sizeof buf, &needed),
                 GOVTALLY_NULL_ARGUMENT);
    m = last_error_dup();
    CHECK(m != NULL && strcmp(m, "`reports[1]` is NULL") == 0);
    free(m);
    CHECK_STATUS(govtally_report_prose(&complaints, 1, NULL, 5, buf, sizeof buf, &needed),
                 GOVTALLY_NULL_ARGUMENT);
    m = last_error_dup();
    CHECK(m != NULL && strcmp(m, "`template_source` is NULL with `template_len` 5: "
                                 "pass NULL and 0 for the built-in template") == 0);
    free(m);
    CHECK(needed == 77);
    /* counts no array can have */
    CHECK_STATUS(govtally_report_prose(&complaints, UINT64_MAX, NULL, 0, buf, sizeof buf, &needed),
                 GOVTALLY_INVALID_ARGUMENT);
    m = last_error_dup();
    CHECK(m != NULL && strcmp(m, "`count` 18446744073709551615 is too large") == 0);
    free(m);
    CHECK_STATUS(govtally_report_prose(&complaints, 1, (const uint8_t *)"x", UINT64_MAX, buf,
                                       sizeof buf, &needed),
                 GOVTALLY_INVALID_ARGUMENT);
    CHECK(needed == 77);
    CHECK(govtally_status_str(GOVTALLY_TEMPLATE_ERROR) != NULL
          && strcmp(govtally_status_str(GOVTALLY_TEMPLATE_ERROR), "template error") == 0);
}

int main(int argc, char **argv) {
    govtally_report *all[LEDGERS];
    char path[1024];
    char *expected;
    uint64_t len = 0;
    int d;

    if (argc > 1) {
        data_dir = argv[1];
    }
    for (d = 0; d < LEDGERS; d++) {
        all[d] = sample(d);
    }
    snprintf(path, sizeof path, "%s/../../tests/fixtures/prose/sample_2023.txt", data_dir);
    expected = slurp(path, &len);
    CHECK(expected != NULL && len > 0);

    test_builtin(all, expected);
    test_buffers(all[GOVTALLY_DATASET_COMPLAINTS]);
    test_user_templates(all);
    test_template_errors(all);
    test_bad_arguments(all);

    free(expected);
    for (d = 0; d < LEDGERS; d++) {
        govtally_report_free(all[d]);
    }
    return check_report("test_prose");
}
