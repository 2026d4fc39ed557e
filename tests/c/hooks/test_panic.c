/*
 * A panic forced inside the library (cargo feature `test-hooks`) comes back
 * as GOVTALLY_PANIC with a message, retires the tally it happened in, and
 * leaves the process usable: other tallies, before and after, give the
 * right figures. Panics are forced on the calling thread (a small input)
 * and inside a batch parsed on worker threads (a large input), in a feed,
 * a file feed and a finish.
 *
 * Usage: test_panic DATA_DIR
 */
#include "check.h"

/* Not in govtally.h: exported only by a library built with the cargo
 * feature `test-hooks`. Panics when the `rows`-th next row is parsed. */
extern void govtally_test_panic_after_rows(int64_t rows);

static const char *data_dir = "examples/data";

static const char LEGALITY[] =
    "审查编号,文件类型,收文日期,审结日期,审查意见数\n"
    "H1,行政合同,2023-01-05,2023-01-09,2\n"
    "H2,规范性文件,2023年3月1日,,１\n"
    "H1,行政合同,2023-01-05,2023-01-09,2\n";

/* The reviews in LEGALITY (H1 twice: a duplicate). */
#define LEGALITY_REVIEWS 2

static int contains(const char *hay, const char *needle) {
    return hay != NULL && strstr(hay, needle) != NULL;
}

/* The last error names the panic and its message. */
static void check_panic_message(void) {
    char *m = last_error_dup();
    CHECK(contains(m, "internal error (panic)"));
    CHECK(contains(m, "forced by the test hook"));
    free(m);
}

/* A retired tally: every call is the wrong state, and says why. */
static void check_retired(govtally_tally *t) {
    govtally_report *r = NULL;
    char *m;
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)"x\n", 2), GOVTALLY_WRONG_STATE);
    m = last_error_dup();
    CHECK(contains(m, "an earlier call on this tally failed with an internal error"));
    free(m);
    CHECK_STATUS(govtally_tally_begin_input(t, "next.csv"), GOVTALLY_WRONG_STATE);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_WRONG_STATE);
    CHECK(r == NULL);
}

/* A clean legality tally of LEGALITY: the process still works. */
static void check_still_works(const govtally_options *o) {
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    int64_t n = -1;
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)LEGALITY, sizeof LEGALITY - 1), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_report_get_i64(r, "reviews.total", &n), GOVTALLY_OK);
    CHECK(n == LEGALITY_REVIEWS);
    CHECK_STATUS(govtally_report_get_i64(r, "rows.duplicates", &n), GOVTALLY_OK);
    CHECK(n == 1);
    govtally_report_free(r);
    govtally_tally_free(t);
}

/* In a feed, on the calling thread: the second row panics. */
static void test_feed(const govtally_options *o) {
    govtally_tally *t = NULL;
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    govtally_test_panic_after_rows(1);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)LEGALITY, sizeof LEGALITY - 1), GOVTALLY_PANIC);
    check_panic_message();
    check_retired(t);
    govtally_tally_free(t);
    check_still_works(o);
}

/* In a finish: a last row without a line break is parsed only there. */
static void test_finish(const govtally_options *o) {
    static const char header[] = "审查编号,文件类型,收文日期,审结日期,审查意见数\n";
    static const char last[] = "H9,行政合同,2023-06-01,,3";
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)header, sizeof header - 1), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)last, sizeof last - 1), GOVTALLY_OK);
    govtally_test_panic_after_rows(0);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_PANIC);
    CHECK(r == NULL);
    check_panic_message();
    check_retired(t);
    govtally_tally_free(t);
    check_still_works(o);
}

/* In a file feed, on the sample exports. */
static void test_feed_file(const govtally_options *o) {
    char path[4096];
    govtally_tally *t = NULL;
    snprintf(path, sizeof path, "%s/信访咨询件登记2023.csv", data_dir);
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    govtally_test_panic_after_rows(100);
    CHECK_STATUS(govtally_tally_feed_file(t, path), GOVTALLY_PANIC);
    check_panic_message();
    check_retired(t);
    govtally_tally_free(t);
    check_still_works(o);
}

/* A large input in 64 KiB chunks on two threads: batches are parsed on
 * worker threads, and the panic happens in whichever parses the row. */
static void test_worker_threads(void) {
    enum { ROWS = 120000, CHUNK = 64 * 1024 };
    size_t len = 0, at;
    char *csv = numbered_complaints(ROWS, &len);
    int round;
    govtally_options *o = NULL;

    if (csv == NULL) {
        CHECK(csv != NULL);
        return;
    }
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_threads(o, 2), GOVTALLY_OK);

    for (round = 0; round < 3; round++) {
        govtally_tally *t = NULL;
        govtally_status s = GOVTALLY_OK;
        CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
        govtally_test_panic_after_rows(30000 + 40000 * round);
        for (at = 0; at < len && s == GOVTALLY_OK; at += CHUNK) {
            size_t n = len - at < CHUNK ? len - at : CHUNK;
            s = govtally_tally_feed(t, (const uint8_t *)csv + at, (uint64_t)n);
        }
        if (s == GOVTALLY_OK) {
            govtally_report *r = NULL;
            s = govtally_tally_finish(t, &r);
            govtally_report_free(r);
        }
        CHECK_STATUS(s, GOVTALLY_PANIC);
        check_panic_message();
        check_retired(t);
        govtally_tally_free(t);
    }

    /* and the same input, without the hook, is counted in full */
    {
        govtally_tally *t = NULL;
        govtally_report *r = NULL;
        int64_t n = -1;
        govtally_test_panic_after_rows(-1);
        CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
        for (at = 0; at < len; at += CHUNK) {
            size_t k = len - at < CHUNK ? len - at : CHUNK;
            CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)csv + at, (uint64_t)k), GOVTALLY_OK);
        }
        CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
        CHECK_STATUS(govtally_report_get_i64(r, "total.current", &n), GOVTALLY_OK);
        CHECK(n == ROWS);
        CHECK_STATUS(govtally_report_get_i64(r, "by_month.2023-02.current", &n), GOVTALLY_OK);
        CHECK(n == ROWS / 12);
        govtally_report_free(r);
        govtally_tally_free(t);
    }
    govtally_options_free(o);
    free(csv);
}

int main(int argc, char **argv) {
    govtally_options *o = NULL;
    if (argc > 1) {
        data_dir = argv[1];
    }
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_threads(o, 1), GOVTALLY_OK);
    /* Automatic detection holds a short non-ASCII input until the end;
     * an explicit encoding lets a feed reach the rows at once. */
    CHECK_STATUS(govtally_options_set_encoding(o, "utf-8"), GOVTALLY_OK);
    check_still_works(o);
    test_feed(o);
    test_finish(o);
    test_feed_file(o);
    govtally_options_free(o);
    test_worker_threads();
    return check_report("test_panic");
}
