/*
 * govtally C API: every function, every status, NULL arguments, buffer
 * protocol, wrong state, bad rows under `fail` and `skip`, inline fixtures.
 *
 * Usage: test_api DATA_DIR   (DATA_DIR = examples/data)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govtally.h"
#include "check.h"

#define STR2(x) #x
#define STR(x) STR2(x)

static const char *data_dir = "examples/data";

/* A small legality export: the header and three rows, one of them repeated. */
static const char LEGALITY_OK[] =
    "审查编号,文件类型,收文日期,审结日期,审查意见数\n"
    "H1,行政合同,2023-01-05,2023-01-09,2\n"
    "H2,规范性文件,2023年3月1日,,１\n"
    "H1,行政合同,2023-01-05,2023-01-09,2\n";

/* Two bad rows: an impossible date (line 3) and a count that is no number
 * (line 4). */
static const char LEGALITY_BAD[] =
    "审查编号,文件类型,收文日期,审结日期,审查意见数\n"
    "H1,行政合同,2023-01-05,2023-01-09,2\n"
    "H2,规范性文件,2023-13-45,,1\n"
    "H3,行政合同,2023-02-01,,x\n";

static void path_of(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/%s", data_dir, name);
}

/* Tallies `csv` as legality with `options` (may be NULL). */
static govtally_status tally_text(const char *csv, const govtally_options *options,
                                  govtally_report **out) {
    govtally_tally *t = NULL;
    govtally_status s = govtally_tally_new(GOVTALLY_DATASET_LEGALITY, options, &t);
    if (s != GOVTALLY_OK) {
        return s;
    }
    s = govtally_tally_feed(t, (const uint8_t *)csv, (uint64_t)strlen(csv));
    if (s == GOVTALLY_OK) {
        s = govtally_tally_finish(t, out);
    }
    govtally_tally_free(t);
    return s;
}

static int contains(const char *hay, const char *needle) {
    return hay != NULL && strstr(hay, needle) != NULL;
}

static void test_versions(void) {
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", GOVTALLY_VERSION_MAJOR, GOVTALLY_VERSION_MINOR,
             GOVTALLY_VERSION_PATCH);
    CHECK(govtally_version() != NULL);
    CHECK(strcmp(govtally_version(), want) == 0);
    CHECK(strcmp(govtally_version(), STR(GOVTALLY_VERSION_MAJOR) "." STR(GOVTALLY_VERSION_MINOR) "." STR(GOVTALLY_VERSION_PATCH)) == 0);
    CHECK(govtally_abi_version() == GOVTALLY_ABI_VERSION);
    CHECK(GOVTALLY_ABI_VERSION == 1);
}

static void test_last_error_initially_empty(void) {
    uint8_t buf[8];
    uint64_t needed = 99;
    memset(buf, 'Z', sizeof buf);
    CHECK_STATUS(govtally_last_error(buf, sizeof buf, &needed), GOVTALLY_OK);
    CHECK(needed == 1);
    CHECK(buf[0] == '\0');
    CHECK_STATUS(govtally_last_error(buf, sizeof buf, NULL), GOVTALLY_OK);
    needed = 99;
    CHECK_STATUS(govtally_last_error(NULL, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed == 1);
}

static void test_status_str(void) {
    int32_t s;
    const char *unknown = govtally_status_str(-1);
    CHECK(strcmp(unknown, "unknown status") == 0);
    CHECK(strcmp(govtally_status_str(14), "unknown status") == 0);
    CHECK(strcmp(govtally_status_str(GOVTALLY_BAD_STATE), "bad state") == 0);
    CHECK(strcmp(govtally_status_str(1000000), "unknown status") == 0);
    CHECK(strcmp(govtally_status_str((govtally_status)INT32_MIN), "unknown status") == 0);
    CHECK(strcmp(govtally_status_str(GOVTALLY_OK), "ok") == 0);
    for (s = GOVTALLY_OK; s <= GOVTALLY_BAD_STATE; s++) {
        int32_t u;
        CHECK(govtally_status_str(s) != NULL);
        CHECK(strcmp(govtally_status_str(s), "unknown status") != 0);
        for (u = GOVTALLY_OK; u < s; u++) {
            CHECK(strcmp(govtally_status_str(s), govtally_status_str(u)) != 0);
        }
    }
    /* The values are part of the ABI. */
    CHECK(GOVTALLY_OK == 0);
    CHECK(GOVTALLY_NULL_ARGUMENT == 1);
    CHECK(GOVTALLY_INVALID_ARGUMENT == 2);
    CHECK(GOVTALLY_WRONG_STATE == 3);
    CHECK(GOVTALLY_IO_ERROR == 4);
    CHECK(GOVTALLY_FILE_ERROR == 5);
    CHECK(GOVTALLY_REJECTED_ROWS == 6);
    CHECK(GOVTALLY_BUFFER_TOO_SMALL == 7);
    CHECK(GOVTALLY_VALUE_IS_NULL == 8);
    CHECK(GOVTALLY_NO_SUCH_FIGURE == 9);
    CHECK(GOVTALLY_PANIC == 10);
    CHECK(GOVTALLY_NO_PERIOD == 11);
    CHECK(GOVTALLY_TEMPLATE_ERROR == 12);
    CHECK(GOVTALLY_BAD_STATE == 13);
    CHECK(GOVTALLY_DATASET_LEGALITY == 0);
    CHECK(GOVTALLY_DATASET_INSPECTIONS == 1);
    CHECK(GOVTALLY_DATASET_COMPLAINTS == 2);
    CHECK(GOVTALLY_DATASET_ENFORCEMENT == 3);
    CHECK(GOVTALLY_DATASET_NORMATIVE == 4);
    CHECK(GOVTALLY_DATASET_DISPUTES == 5);
    CHECK(GOVTALLY_DATASET_RECONSIDERATION == 6);
    CHECK(GOVTALLY_DATASET_PROPOSALS == 7);
    CHECK(sizeof(govtally_status) == 4);
    CHECK(sizeof(govtally_dataset) == 4);
}

static void test_dataset_from_name(void) {
    govtally_dataset d = (govtally_dataset)77;
    char *m;
    CHECK_STATUS(govtally_dataset_from_name("legality", &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_LEGALITY);
    CHECK_STATUS(govtally_dataset_from_name("INSPECTIONS", &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_INSPECTIONS);
    CHECK_STATUS(govtally_dataset_from_name("信访咨询件登记", &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_COMPLAINTS);
    CHECK_STATUS(govtally_dataset_from_name("enforcement", &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_ENFORCEMENT);
    CHECK_STATUS(govtally_dataset_from_name("Normative", &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_NORMATIVE);
    CHECK_STATUS(govtally_dataset_from_name("劳动人事争议案件台账", &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_DISPUTES);
    CHECK_STATUS(govtally_dataset_from_name("reconsideration", &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_RECONSIDERATION);
    CHECK_STATUS(govtally_dataset_from_name("建议提案办理台账", &d), GOVTALLY_OK);
    CHECK(d == GOVTALLY_DATASET_PROPOSALS);
    CHECK(strcmp(govtally_dataset_name(GOVTALLY_DATASET_LEGALITY), "legality") == 0);
    CHECK(strcmp(govtally_dataset_name(GOVTALLY_DATASET_PROPOSALS), "proposals") == 0);
    CHECK(govtally_dataset_name(8) == NULL);
    CHECK(govtally_dataset_name(-1) == NULL);
    CHECK(govtally_dataset_name(INT32_MIN) == NULL);
    d = (govtally_dataset)77;
    CHECK_STATUS(govtally_dataset_from_name("nonsense", &d), GOVTALLY_INVALID_ARGUMENT);
    CHECK(d == 77); /* untouched on failure */
    m = last_error_dup();
    CHECK(contains(m, "nonsense"));
    free(m);
    CHECK_STATUS(govtally_dataset_from_name("\xff\xfe", &d), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_dataset_from_name(NULL, &d), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_dataset_from_name("legality", NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK(d == 77);
    m = last_error_dup();
    CHECK(contains(m, "out"));
    free(m);
}

static void test_options(void) {
    govtally_options *o = NULL;
    govtally_tally *t = (govtally_tally *)&o; /* a sentinel, never used */
    govtally_tally *sentinel = t;

    CHECK_STATUS(govtally_options_new(NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK(o != NULL);

    /* NULL handles */
    CHECK_STATUS(govtally_options_set_period(NULL, "2023-01-01", "2023-12-31"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_year(NULL, 2023), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_encoding(NULL, "gbk"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(NULL, ','), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_skip_bad_rows(NULL, true), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_rounding(NULL, "half_even"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_threads(NULL, 2), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_add_alias(NULL, "编号", "review_id"), GOVTALLY_NULL_ARGUMENT);

    /* NULL strings */
    CHECK_STATUS(govtally_options_set_period(o, NULL, "2023-12-31"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_period(o, "2023-01-01", NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_encoding(o, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_rounding(o, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_add_alias(o, NULL, "review_id"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_add_alias(o, "编号", NULL), GOVTALLY_NULL_ARGUMENT);

    /* invalid values */
    CHECK_STATUS(govtally_options_set_period(o, "2023-02-01", "2023-01-01"), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_period(o, "2023-02-30", "2023-12-31"), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_period(o, "yesterday", "today"), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_year(o, 0), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_year(o, INT32_MIN), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_year(o, INT32_MAX), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_encoding(o, "latin1"), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_encoding(o, "\xc3\x28"), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(o, '"'), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(o, '\n'), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(o, '\r'), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(o, 0xA1), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_rounding(o, "up"), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_add_alias(o, "", "review_id"), GOVTALLY_INVALID_ARGUMENT);

    /* valid values */
    CHECK_STATUS(govtally_options_set_period(o, "2023年1月1日", "2023/12/31"), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_encoding(o, "gbk"), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_encoding(o, "auto"), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_delimiter(o, ';'), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_delimiter(o, 0), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_skip_bad_rows(o, true), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_skip_bad_rows(o, false), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_rounding(o, "half_even"), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_rounding(o, "half_away_from_zero"), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_threads(o, 1), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_threads(o, 0), GOVTALLY_OK);

    /* an alias to a column the dataset does not have: tally_new says so */
    CHECK_STATUS(govtally_options_add_alias(o, "编号", "no_such_key"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_INVALID_ARGUMENT);
    CHECK(t == sentinel);
    {
        char *m = last_error_dup();
        CHECK(contains(m, "no_such_key"));
        free(m);
    }
    govtally_options_free(o);

    govtally_options_free(NULL);
}

/*
 * Every numeric option at its extremes: 0, 1, the documented maximum and
 * UINT32_MAX / UINT64_MAX. Each is accepted or refused with
 * GOVTALLY_INVALID_ARGUMENT at the setter; an accepted one then tallies
 * with the right figures. None may abort the process or take unbounded
 * memory (this runs under valgrind and AddressSanitizer).
 */
static void test_extreme_options(void) {
    static const char csv[] =
        "审查编号,文件类型,收文日期,审结日期,审查意见数\n"
        "X1,行政合同,2023-04-01,2023-04-03,4\n"
        "X2,规范性文件,2023-05-01,,1\n";
    static const uint32_t threads[] = {0, 1, 2, 64};
    static const uint64_t sizes[] = {1, 2, 64, 1u << 20, UINT32_MAX, UINT64_MAX};
    govtally_options *o = NULL;
    govtally_report *r = NULL;
    int64_t n = -1;
    size_t i;
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);

    /* threads: 65 and past are refused, the options untouched */
    CHECK_STATUS(govtally_options_set_threads(o, 65), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_threads(o, 100000), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_threads(o, UINT32_MAX), GOVTALLY_INVALID_ARGUMENT);
    {
        char *m = last_error_dup();
        CHECK(contains(m, "from 1 to 64"));
        free(m);
    }
    for (i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        CHECK_STATUS(govtally_options_set_threads(o, threads[i]), GOVTALLY_OK);
        r = NULL;
        CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_OK);
        CHECK_STATUS(govtally_report_get_i64(r, "opinions.total", &n), GOVTALLY_OK);
        CHECK(n == 5);
        govtally_report_free(r);
    }
    CHECK_STATUS(govtally_options_set_threads(o, 0), GOVTALLY_OK);

    /* limits: 0 is refused; anything from 1 up is a bound, never an
       allocation */
    CHECK_STATUS(govtally_options_set_max_record_bytes(o, 0), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_columns(o, 0), GOVTALLY_INVALID_ARGUMENT);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int64_t rejected = -1;
        CHECK_STATUS(govtally_options_set_max_record_bytes(o, sizes[i]), GOVTALLY_OK);
        CHECK_STATUS(govtally_options_set_max_columns(o, sizes[i]), GOVTALLY_OK);
        CHECK_STATUS(govtally_options_set_max_problems(o, sizes[i]), GOVTALLY_OK);
        CHECK_STATUS(govtally_options_set_skip_bad_rows(o, true), GOVTALLY_OK);
        r = NULL;
        /* with tiny limits the header itself is too large: a file error */
        {
            govtally_status s = tally_text(csv, o, &r);
            if (sizes[i] < 64) {
                CHECK_STATUS(s, GOVTALLY_FILE_ERROR);
                continue;
            }
            CHECK_STATUS(s, GOVTALLY_OK);
        }
        CHECK_STATUS(govtally_report_get_i64(r, "opinions.total", &n), GOVTALLY_OK);
        CHECK(n == 5);
        CHECK_STATUS(govtally_report_get_i64(r, "rows.rejected", &rejected), GOVTALLY_OK);
        CHECK(rejected == 0);
        govtally_report_free(r);
    }
    /* no problems kept in full: still counted */
    CHECK_STATUS(govtally_options_set_max_problems(o, 0), GOVTALLY_OK);
    govtally_options_free(o);
}

static void test_alias_and_delimiter(void) {
    /* A semicolon-separated export whose id column is headed 文号. */
    static const char csv[] =
        "文号;文件类型;收文日期;审结日期;审查意见数\n"
        "W1;行政合同;2023-04-01;2023-04-03;4\n"
        "W2;行政合同;2023-05-01;2023-05-02;1\n";
    govtally_options *o = NULL;
    govtally_report *r = NULL;
    int64_t n = -1;
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_delimiter(o, ';'), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_add_alias(o, "文号", "review_id"), GOVTALLY_OK);
    CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.by_type.administrative_contract", &n), GOVTALLY_OK);
    CHECK(n == 2);
    CHECK_STATUS(govtally_report_get_i64(r, "opinions.total", &n), GOVTALLY_OK);
    CHECK(n == 5);
    govtally_report_free(r);
    govtally_options_free(o);
}

static void test_tally_states(void) {
    govtally_tally *t = NULL;
    govtally_tally *sentinel = (govtally_tally *)&t;
    govtally_report *r = NULL;
    govtally_report *rsentinel = (govtally_report *)&r;
    char path[1024];
    char *m;

    /* invalid datasets are errors, never undefined behaviour */
    t = sentinel;
    /* 8: the first value after the eight ledgers of the registry */
    CHECK_STATUS(govtally_tally_new(8, NULL, &t), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_tally_new(-1, NULL, &t), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_tally_new((govtally_dataset)INT32_MAX, NULL, &t), GOVTALLY_INVALID_ARGUMENT);
    CHECK(t == sentinel);
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, NULL, NULL), GOVTALLY_NULL_ARGUMENT);

    t = NULL;
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, NULL, &t), GOVTALLY_OK);
    CHECK(t != NULL);

    /* NULL arguments */
    CHECK_STATUS(govtally_tally_feed(NULL, (const uint8_t *)"a", 1), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed(t, NULL, 5), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed(t, NULL, 0), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed_file(NULL, "x.csv"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed_file(t, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_finish(NULL, &r), GOVTALLY_NULL_ARGUMENT);
    /* a NULL out does not finish the tally */
    CHECK_STATUS(govtally_tally_finish(t, NULL), GOVTALLY_NULL_ARGUMENT);

    /* I/O errors name the path */
    CHECK_STATUS(govtally_tally_feed_file(t, "/nonexistent/ledger.csv"), GOVTALLY_IO_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "/nonexistent/ledger.csv"));
    free(m);
    CHECK_STATUS(govtally_tally_feed_file(t, data_dir), GOVTALLY_IO_ERROR);

    /* the tally still works */
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)LEGALITY_OK, (uint64_t)strlen(LEGALITY_OK)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    CHECK(r != NULL);

    /* wrong state after finish */
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)"x", 1), GOVTALLY_WRONG_STATE);
    path_of(path, sizeof path, "合法性审查台账2023.csv");
    CHECK_STATUS(govtally_tally_feed_file(t, path), GOVTALLY_WRONG_STATE);
    {
        govtally_report *r2 = rsentinel;
        CHECK_STATUS(govtally_tally_finish(t, &r2), GOVTALLY_WRONG_STATE);
        CHECK(r2 == rsentinel);
    }
    m = last_error_dup();
    CHECK(contains(m, "finished"));
    free(m);
    govtally_tally_free(t);
    govtally_tally_free(NULL);

    /* the report (period inferred: 2023) */
    {
        int64_t n = -1;
        CHECK_STATUS(govtally_report_get_i64(r, "rows.read", &n), GOVTALLY_OK);
        CHECK(n == 3);
        CHECK_STATUS(govtally_report_get_i64(r, "rows.duplicates", &n), GOVTALLY_OK);
        CHECK(n == 1);
        CHECK_STATUS(govtally_report_get_i64(r, "reviews.pending", &n), GOVTALLY_OK);
        CHECK(n == 1);
        CHECK_STATUS(govtally_report_get_i64(r, "opinions.total", &n), GOVTALLY_OK);
        CHECK(n == 3);
    }
    govtally_report_free(r);
    govtally_report_free(NULL);

    /* A file finished without any data is a file error (no header). */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, NULL, &t), GOVTALLY_OK);
    r = rsentinel;
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_FILE_ERROR);
    CHECK(r == rsentinel);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_WRONG_STATE);
    govtally_tally_free(t);
}

static void test_file_errors(void) {
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    govtally_options *o = NULL;
    govtally_status s1, s2;
    char path[1024];
    char *m;
    static const char wrong[] = "foo,bar\n1,2\n";

    /* a header without the dataset's columns */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_INSPECTIONS, NULL, &t), GOVTALLY_OK);
    s1 = govtally_tally_feed(t, (const uint8_t *)wrong, (uint64_t)strlen(wrong));
    s2 = govtally_tally_finish(t, &r);
    CHECK(s1 == GOVTALLY_FILE_ERROR || (s1 == GOVTALLY_OK && s2 == GOVTALLY_FILE_ERROR));
    CHECK(s2 == GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "missing required column"));
    CHECK(contains(m, "foo"));
    free(m);
    govtally_tally_free(t);

    /* a UTF-16 file read with encoding utf-8: the BOM conflicts */
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_encoding(o, "utf-8"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    path_of(path, sizeof path, "信访咨询件登记2022.csv");
    CHECK_STATUS(govtally_tally_feed_file(t, path), GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "信访咨询件登记2022.csv"));
    free(m);
    /* the tally keeps failing with the same error */
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)"x\n", 2), GOVTALLY_FILE_ERROR);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_FILE_ERROR);
    govtally_tally_free(t);
    govtally_options_free(o);
}

static void test_no_period(void) {
    static const char header_only[] = "审查编号,文件类型,收文日期,审结日期,审查意见数\n";
    govtally_report *r = NULL;
    govtally_options *o = NULL;
    double x = 42.0;
    int64_t n = 42;
    char *m;

    CHECK_STATUS(tally_text(header_only, NULL, &r), GOVTALLY_NO_PERIOD);
    CHECK(r == NULL);
    m = last_error_dup();
    CHECK(contains(m, "no period"));
    free(m);

    /* with a period: an empty report whose mean is null */
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(tally_text(header_only, o, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_f64(r, "review_days.mean", &x), GOVTALLY_VALUE_IS_NULL);
    CHECK(x == 42.0);
    CHECK_STATUS(govtally_report_get_i64(r, "review_days.max", &n), GOVTALLY_VALUE_IS_NULL);
    CHECK(n == 42);
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.total", &n), GOVTALLY_OK);
    CHECK(n == 0);
    govtally_report_free(r);
    govtally_options_free(o);
}

static void test_report_buffers_and_getters(void) {
    govtally_options *o = NULL;
    govtally_report *r = NULL;
    uint64_t needed = 0, needed2 = 0;
    uint8_t small[16];
    char *json;
    int64_t n = 7;
    double x = 7.5;
    size_t i;
    int untouched = 1;

    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(tally_text(LEGALITY_OK, o, &r), GOVTALLY_OK);

    /* the size query */
    CHECK_STATUS(govtally_report_json(r, NULL, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed > 100);
    CHECK_STATUS(govtally_report_json(r, NULL, 0, NULL), GOVTALLY_BUFFER_TOO_SMALL);
    /* a too-small buffer: *needed set, nothing written */
    memset(small, 'Z', sizeof small);
    CHECK_STATUS(govtally_report_json(r, small, sizeof small, &needed2), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed2 == needed);
    for (i = 0; i < sizeof small; i++) {
        untouched &= small[i] == 'Z';
    }
    CHECK(untouched);
    {
        char *m = last_error_dup();
        CHECK(contains(m, "buffer too small"));
        free(m);
    }
    /* NULL buffer with a capacity, NULL report */
    CHECK_STATUS(govtally_report_json(r, NULL, 10, &needed2), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_json(NULL, small, sizeof small, &needed2), GOVTALLY_NULL_ARGUMENT);
    /* one byte short */
    json = (char *)malloc((size_t)needed);
    CHECK(json != NULL);
    CHECK_STATUS(govtally_report_json(r, (uint8_t *)json, needed - 1, NULL), GOVTALLY_BUFFER_TOO_SMALL);
    /* exactly enough */
    needed2 = 0;
    CHECK_STATUS(govtally_report_json(r, (uint8_t *)json, needed, &needed2), GOVTALLY_OK);
    CHECK(needed2 == needed);
    CHECK(strlen(json) + 1 == needed);
    CHECK(json[0] == '{');
    CHECK(contains(json, "\"schema_version\": 1"));
    CHECK(contains(json, "\"dataset\": \"legality\""));
    CHECK(contains(json, "\"administrative_contract\": 1"));
    free(json);

    /* integer figures */
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.by_type.administrative_contract", &n), GOVTALLY_OK);
    CHECK(n == 1);
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.by_type.normative_document", &n), GOVTALLY_OK);
    CHECK(n == 1);
    CHECK_STATUS(govtally_report_get_i64(r, "schema_version", &n), GOVTALLY_OK);
    CHECK(n == 1);
    CHECK_STATUS(govtally_report_get_i64(r, "review_days.count", &n), GOVTALLY_OK);
    CHECK(n == 1);
    /* a float is not truncated */
    n = 7;
    CHECK_STATUS(govtally_report_get_i64(r, "review_days.mean", &n), GOVTALLY_INVALID_ARGUMENT);
    CHECK(n == 7);
    {
        char *m = last_error_dup();
        CHECK(contains(m, "not an integer"));
        free(m);
    }
    /* f64 reads floats and integers */
    CHECK_STATUS(govtally_report_get_f64(r, "review_days.mean", &x), GOVTALLY_OK);
    CHECK(x == 4.0);
    CHECK_STATUS(govtally_report_get_f64(r, "opinions.total", &x), GOVTALLY_OK);
    CHECK(x == 3.0);
    /* strings and groups are not numbers */
    n = 7;
    x = 7.5;
    CHECK_STATUS(govtally_report_get_i64(r, "dataset", &n), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(r, "period.start", &x), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(r, "reviews", &n), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(r, "problems.items", &x), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(r, "period.inferred", &n), GOVTALLY_INVALID_ARGUMENT);
    CHECK(n == 7 && x == 7.5);
    /* no such figure */
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.by_type.nothing", &n), GOVTALLY_NO_SUCH_FIGURE);
    CHECK_STATUS(govtally_report_get_f64(r, "", &x), GOVTALLY_INVALID_ARGUMENT); /* the whole report */
    CHECK_STATUS(govtally_report_get_f64(r, "total.change_pct", &x), GOVTALLY_NO_SUCH_FIGURE);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.0.line", &n), GOVTALLY_NO_SUCH_FIGURE);
    {
        char *m = last_error_dup();
        CHECK(contains(m, "problems.items.0.line"));
        free(m);
    }
    CHECK(n == 7 && x == 7.5);
    /* NULL arguments */
    CHECK_STATUS(govtally_report_get_i64(NULL, "rows.read", &n), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(r, NULL, &n), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.read", NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(NULL, "rows.read", &x), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(r, NULL, &x), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(r, "rows.read", NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(r, "\xff", &x), GOVTALLY_INVALID_ARGUMENT);
    CHECK(n == 7 && x == 7.5);

    govtally_report_free(r);
    govtally_options_free(o);
}

static void test_bad_rows(void) {
    govtally_options *o = NULL;
    govtally_report *r = NULL;
    char *m;
    int64_t n = -1;
    uint64_t needed = 0;

    /* fail (the default): the last error lists every problem */
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(tally_text(LEGALITY_BAD, o, &r), GOVTALLY_REJECTED_ROWS);
    CHECK(r == NULL);
    CHECK_STATUS(govtally_last_error(NULL, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    /* asking for the size does not replace the message */
    m = last_error_dup();
    CHECK(m != NULL && strlen(m) + 1 == needed);
    CHECK(contains(m, "2 rows rejected"));
    CHECK(contains(m, "<input>:3: column `收文日期`, value `2023-13-45`"));
    CHECK(contains(m, "<input>:4: column `审查意见数`, value `x`"));
    free(m);

    /* successful calls do not clear it */
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    m = last_error_dup();
    CHECK(contains(m, "2 rows rejected"));
    free(m);

    /* skip: the rows are left out and listed in the report */
    CHECK_STATUS(govtally_options_set_skip_bad_rows(o, true), GOVTALLY_OK);
    CHECK_STATUS(tally_text(LEGALITY_BAD, o, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.read", &n), GOVTALLY_OK);
    CHECK(n == 3);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.rejected", &n), GOVTALLY_OK);
    CHECK(n == 2);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.counted", &n), GOVTALLY_OK);
    CHECK(n == 1);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.total", &n), GOVTALLY_OK);
    CHECK(n == 2);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.0.line", &n), GOVTALLY_OK);
    CHECK(n == 3);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.1.line", &n), GOVTALLY_OK);
    CHECK(n == 4);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.0.column", &n), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.2.line", &n), GOVTALLY_NO_SUCH_FIGURE);
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.total", &n), GOVTALLY_OK);
    CHECK(n == 1);
    {
        uint64_t size = 0;
        char *json;
        CHECK_STATUS(govtally_report_json(r, NULL, 0, &size), GOVTALLY_BUFFER_TOO_SMALL);
        json = (char *)malloc((size_t)size);
        CHECK_STATUS(govtally_report_json(r, (uint8_t *)json, size, NULL), GOVTALLY_OK);
        CHECK(contains(json, "\"column\": \"收文日期\""));
        CHECK(contains(json, "\"value\": \"2023-13-45\""));
        free(json);
    }
    govtally_report_free(r);
    govtally_options_free(o);
}

static void test_begin_input(void) {
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    govtally_options *o = NULL;
    char *m;
    int64_t n = 0;
    /* the second export of the year, without the header's 审结日期 column */
    static const char second[] =
        "审查编号,文件类型,收文日期,审查意见数\n"
        "H9,规范性文件,2023-06-01,3\n";

    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(NULL, "a.csv"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_begin_input(t, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_begin_input(t, "\xff.csv"), GOVTALLY_INVALID_ARGUMENT);
    /* two inputs, each with its own header */
    CHECK_STATUS(govtally_tally_begin_input(t, "一月.csv"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)LEGALITY_OK, (uint64_t)strlen(LEGALITY_OK)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(t, "二月.csv"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)second, (uint64_t)strlen(second)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(t, "三月.csv"), GOVTALLY_WRONG_STATE);
    govtally_tally_free(t);
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.total", &n), GOVTALLY_OK);
    CHECK(n == 3);
    CHECK_STATUS(govtally_report_get_i64(r, "opinions.total", &n), GOVTALLY_OK);
    CHECK(n == 6);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.read", &n), GOVTALLY_OK);
    CHECK(n == 4);
    govtally_report_free(r);

    /* problems carry the input's name */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(t, "三月.csv"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)LEGALITY_BAD, (uint64_t)strlen(LEGALITY_BAD)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_REJECTED_ROWS);
    m = last_error_dup();
    CHECK(contains(m, "三月.csv:3: column `收文日期`"));
    free(m);
    govtally_tally_free(t);

    /* an input that ends without a header */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(t, "空.csv"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(t, "next.csv"), GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "空.csv"));
    free(m);
    govtally_tally_free(t);
    govtally_options_free(o);
}

/* The limits, by construction: the header's fields hold 63 bytes (67
 * with its commas; a record's size counts field contents) in 5 columns;
 * line 2 is a good row, line 3 has 15 fields (10 empty ones past the
 * header), line 4's fields hold 35 + 120 bytes. */
static void test_limits(void) {
    govtally_options *o = NULL;
    govtally_report *r = NULL;
    char csv[1024];
    char long_id[121];
    char *m;
    int64_t n = -1;

    memset(long_id, 'x', 120);
    long_id[120] = '\0';
    snprintf(csv, sizeof csv,
             "审查编号,文件类型,收文日期,审结日期,审查意见数\n"
             "H1,行政合同,2023-01-05,2023-01-09,2\n"
             "H2,行政合同,2023-01-05,2023-01-09,2,,,,,,,,,,\n"
             "H3%s,行政合同,2023-01-05,2023-01-09,2\n",
             long_id);

    CHECK_STATUS(govtally_options_set_max_record_bytes(NULL, 100), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_columns(NULL, 8), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_problems(NULL, 1), GOVTALLY_NULL_ARGUMENT);

    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_max_record_bytes(o, 0), GOVTALLY_INVALID_ARGUMENT);
    m = last_error_dup();
    CHECK(contains(m, "at least 1"));
    free(m);
    CHECK_STATUS(govtally_options_set_max_columns(o, 0), GOVTALLY_INVALID_ARGUMENT);

    /* the defaults take every row: only the trailing empty fields differ */
    CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.counted", &n), GOVTALLY_OK);
    CHECK(n == 3);
    govtally_report_free(r);
    r = NULL;

    CHECK_STATUS(govtally_options_set_max_record_bytes(o, 100), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_max_columns(o, 8), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_max_problems(o, 1), GOVTALLY_OK);
    /* fail: both rows named, however many are kept in full */
    CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_REJECTED_ROWS);
    m = last_error_dup();
    CHECK(contains(m, "2 rows rejected"));
    CHECK(contains(m, "<input>:3"));
    CHECK(contains(m, "column limit"));
    free(m);

    CHECK_STATUS(govtally_options_set_skip_bad_rows(o, true), GOVTALLY_OK);
    CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.read", &n), GOVTALLY_OK);
    CHECK(n == 3);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.counted", &n), GOVTALLY_OK);
    CHECK(n == 1);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.rejected", &n), GOVTALLY_OK);
    CHECK(n == 2);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.total", &n), GOVTALLY_OK);
    CHECK(n == 2);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.0.line", &n), GOVTALLY_OK);
    CHECK(n == 3);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.1.line", &n), GOVTALLY_NO_SUCH_FIGURE);
    govtally_report_free(r);
    r = NULL;

    /* 0 problems kept: still counted */
    CHECK_STATUS(govtally_options_set_max_problems(o, 0), GOVTALLY_OK);
    CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.total", &n), GOVTALLY_OK);
    CHECK(n == 2);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.0.line", &n), GOVTALLY_NO_SUCH_FIGURE);
    govtally_report_free(r);
    r = NULL;

    /* the line past the size limit is the second problem */
    CHECK_STATUS(govtally_options_set_max_problems(o, 100), GOVTALLY_OK);
    CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.1.line", &n), GOVTALLY_OK);
    CHECK(n == 4);
    {
        uint64_t size = 0;
        char *json;
        CHECK_STATUS(govtally_report_json(r, NULL, 0, &size), GOVTALLY_BUFFER_TOO_SMALL);
        json = (char *)malloc((size_t)size);
        CHECK_STATUS(govtally_report_json(r, (uint8_t *)json, size, NULL), GOVTALLY_OK);
        CHECK(contains(json, "the row has more fields than the column limit"));
        CHECK(contains(json, "the row is longer than the record size limit"));
        free(json);
    }
    govtally_report_free(r);
    r = NULL;

    /* a header past a limit is a file error */
    CHECK_STATUS(govtally_options_set_max_record_bytes(o, 62), GOVTALLY_OK);
    CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "the header line is longer than the record size limit"));
    free(m);
    CHECK_STATUS(govtally_options_set_max_record_bytes(o, 63), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_max_columns(o, 4), GOVTALLY_OK);
    CHECK_STATUS(tally_text(csv, o, &r), GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "the header line has more columns than the column limit"));
    free(m);
    CHECK(r == NULL);
    govtally_options_free(o);
}

/* An input past the batch size (1 MiB a thread), fed whole and in 64 KiB
 * chunks on two worker threads from this thread: 120000 items, 10000 a
 * month, C0000000 to C0119999, each once. */
static void test_large_input(void) {
    enum { ROWS = 120000, CHUNK = 64 * 1024 };
    size_t len = 0, at;
    char *csv = numbered_complaints(ROWS, &len);
    int way;
    govtally_options *o = NULL;

    if (csv == NULL) {
        CHECK(csv != NULL);
        return;
    }
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_threads(o, 2), GOVTALLY_OK);
    for (way = 0; way < 2; way++) {
        govtally_tally *t = NULL;
        govtally_report *r = NULL;
        size_t chunk = way == 0 ? len : CHUNK;
        int64_t n = -1;
        CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
        for (at = 0; at < len; at += chunk) {
            size_t k = len - at < chunk ? len - at : chunk;
            CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)csv + at, (uint64_t)k), GOVTALLY_OK);
        }
        CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
        CHECK_STATUS(govtally_report_get_i64(r, "rows.read", &n), GOVTALLY_OK);
        CHECK(n == ROWS);
        CHECK_STATUS(govtally_report_get_i64(r, "total.current", &n), GOVTALLY_OK);
        CHECK(n == ROWS);
        CHECK_STATUS(govtally_report_get_i64(r, "by_category.欠薪.current", &n), GOVTALLY_OK);
        CHECK(n == ROWS);
        CHECK_STATUS(govtally_report_get_i64(r, "by_month.2023-07.current", &n), GOVTALLY_OK);
        CHECK(n == ROWS / 12);
        govtally_report_free(r);
        govtally_tally_free(t);
    }
    govtally_options_free(o);
    free(csv);
}

/* Workbooks (issue 15): by path through feed_file (.xlsx, .xlsb, .xlsm), by
 * bytes held in memory, a named sheet, NULL arguments, a truncated workbook,
 * the limit setters. */
static void test_workbooks(void) {
    char path[1024];
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    govtally_options *o = NULL;
    int64_t n = -1;
    unsigned char *bytes;
    long len;
    FILE *f;
    char *m;

    snprintf(path, sizeof path, "%s/../../tests/fixtures/workbooks/legality.xlsx", data_dir);
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_max_workbook_bytes(NULL, 1), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_workbook_bytes(o, 0), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_sheet_bytes(o, 0), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_sheet_cells(o, 0), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_sheet_bytes(o, 64u << 20), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_max_sheet_cells(o, 1000000), GOVTALLY_OK);

    /* by path */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed_file(t, path), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.by_type.administrative_contract", &n), GOVTALLY_OK);
    CHECK(n == 97);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.read", &n), GOVTALLY_OK);
    CHECK(n == 107);
    govtally_report_free(r);
    govtally_tally_free(t);

    /* the same sample as .xlsb and .xlsm, by path */
    {
        static const char *const others[] = {"legality.xlsb", "legality.xlsm"};
        char other[1024];
        size_t i;
        for (i = 0; i < sizeof others / sizeof others[0]; i++) {
            snprintf(other, sizeof other, "%s/../../tests/fixtures/workbooks/%s", data_dir, others[i]);
            CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
            CHECK_STATUS(govtally_tally_feed_file(t, other), GOVTALLY_OK);
            CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
            n = -1;
            CHECK_STATUS(govtally_report_get_i64(r, "reviews.by_type.administrative_contract", &n), GOVTALLY_OK);
            CHECK(n == 97);
            n = -1;
            CHECK_STATUS(govtally_report_get_i64(r, "opinions.total", &n), GOVTALLY_OK);
            CHECK(n == 110);
            govtally_report_free(r);
            govtally_tally_free(t);
        }
    }

    /* by bytes, a named sheet */
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL) {
        govtally_options_free(o);
        return;
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    bytes = malloc((size_t)len);
    CHECK(fread(bytes, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed_workbook(NULL, "a.xlsx", bytes, (uint64_t)len, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed_workbook(t, NULL, bytes, (uint64_t)len, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed_workbook(t, "a.xlsx", NULL, (uint64_t)len, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed_workbook(t, "a.xlsx", bytes, (uint64_t)len, "no such sheet"), GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "has no sheet named `no such sheet`"));
    free(m);
    CHECK_STATUS(govtally_tally_feed_workbook(t, "合法性审查台账.xlsx", bytes, (uint64_t)len, "2023年"), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "opinions.total", &n), GOVTALLY_OK);
    CHECK(n == 110);
    govtally_report_free(r);
    govtally_tally_free(t);

    /* a truncated workbook is a file error that says so */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed_workbook(t, "cut.xlsx", bytes, (uint64_t)len / 2, NULL), GOVTALLY_FILE_ERROR);
    m = last_error_dup();
    CHECK(contains(m, "truncated or damaged"));
    free(m);
    govtally_tally_free(t);
    free(bytes);
    govtally_options_free(o);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        data_dir = argv[1];
    }
    /* first: nothing has failed yet on this thread */
    test_last_error_initially_empty();
    test_versions();
    test_status_str();
    test_dataset_from_name();
    test_options();
    test_extreme_options();
    test_alias_and_delimiter();
    test_tally_states();
    test_file_errors();
    test_no_period();
    test_report_buffers_and_getters();
    test_bad_rows();
    test_begin_input();
    test_limits();
    test_large_input();
    test_workbooks();
    return check_report("test_api");
}
