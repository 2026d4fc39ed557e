/*
 * govtally C API under stress (issue #5): every exported function with NULL
 * for each pointer argument, zero lengths, buffers of size 0 and 1, every
 * wrong state (feed after finish, double finish, begin after finish), and
 * 8 threads with separate handles computing the sample report at once.
 * Runs under valgrind and ASan/UBSan through tests/c/run.sh.
 *
 * Usage: test_stress DATA_DIR   (DATA_DIR = examples/data)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govtally.h"
#include "check.h"

#define THREADS 8

static const char *data_dir = "examples/data";

static const char CSV[] =
    "登记编号,登记日期,问题类别\n"
    "A1,2023-01-01,欠薪\n"
    "A2,2022-01-01,欠薪\n";

/* A finished report of CSV for 2023. */
static govtally_report *small_report(void) {
    govtally_options *o = NULL;
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    govtally_tally_free(t);
    govtally_options_free(o);
    return r;
}

static void test_null_arguments(void) {
    govtally_options *o = NULL;
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    govtally_dataset d = GOVTALLY_DATASET_LEGALITY;
    int64_t n = 0;
    double x = 0.0;
    uint64_t needed = 0;
    uint8_t buf[4];

    /* Functions without a fallible pointer argument still answer. */
    CHECK(govtally_version() != NULL);
    CHECK(govtally_abi_version() == GOVTALLY_ABI_VERSION);
    CHECK(govtally_status_str(GOVTALLY_OK) != NULL);
    CHECK(govtally_status_str((govtally_status)-1) != NULL);
    CHECK(govtally_status_str((govtally_status)12345) != NULL);

    CHECK_STATUS(govtally_last_error(NULL, 1, &needed), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_dataset_from_name(NULL, &d), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_dataset_from_name("complaints", NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_dataset_from_name("nope", &d), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_dataset_from_name("", &d), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_new(NULL), GOVTALLY_NULL_ARGUMENT);

    /* Every setter with a NULL handle, and with NULL strings. */
    CHECK_STATUS(govtally_options_set_period(NULL, "2023-01-01", "2023-12-31"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_year(NULL, 2023), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_encoding(NULL, "utf-8"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(NULL, ','), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_skip_bad_rows(NULL, true), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_threads(NULL, 1), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_record_bytes(NULL, 1), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_columns(NULL, 1), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_max_problems(NULL, 0), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_rounding(NULL, "half_even"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_add_alias(NULL, "来件日期", "received_at"), GOVTALLY_NULL_ARGUMENT);

    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_period(o, NULL, "2023-12-31"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_period(o, "2023-01-01", NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_encoding(o, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_set_rounding(o, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_add_alias(o, NULL, "received_at"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_options_add_alias(o, "来件日期", NULL), GOVTALLY_NULL_ARGUMENT);
    /* Empty and bad strings are invalid, not crashes. */
    CHECK_STATUS(govtally_options_set_period(o, "", ""), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_period(o, "2023-12-31", "2023-01-01"), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_encoding(o, ""), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_rounding(o, ""), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_year(o, 0), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_year(o, -2147483647 - 1), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_year(o, 2147483647), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(o, '"'), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(o, '\n'), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_options_set_delimiter(o, 0xFF), GOVTALLY_INVALID_ARGUMENT);

    /* Tallies. */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_new((govtally_dataset)99, o, &t), GOVTALLY_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_STATUS(govtally_tally_new((govtally_dataset)-1, NULL, &t), GOVTALLY_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_STATUS(govtally_tally_feed(NULL, (const uint8_t *)"x", 1), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed(NULL, NULL, 0), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_begin_input(NULL, "x.csv"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed_file(NULL, "x.csv"), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_finish(NULL, &r), GOVTALLY_NULL_ARGUMENT);

    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, NULL, 5), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed(t, NULL, 0), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)"", 0), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_begin_input(t, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_feed_file(t, NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_tally_finish(t, NULL), GOVTALLY_NULL_ARGUMENT);
    /* A NULL `out` left the tally usable. */
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    govtally_tally_free(t);
    t = NULL;

    /* Reports. */
    CHECK_STATUS(govtally_report_json(NULL, buf, sizeof buf, &needed), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_json(r, NULL, 1, &needed), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(NULL, "total.current", &n), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(r, NULL, &n), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(r, "total.current", NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(NULL, "total.change_pct", &x), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(r, NULL, &x), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_report_get_f64(r, "total.change_pct", NULL), GOVTALLY_NULL_ARGUMENT);
    /* Odd paths. */
    CHECK_STATUS(govtally_report_get_i64(r, "", &n), GOVTALLY_INVALID_ARGUMENT);
    CHECK_STATUS(govtally_report_get_i64(r, ".", &n), GOVTALLY_NO_SUCH_FIGURE);
    CHECK_STATUS(govtally_report_get_i64(r, "total..current", &n), GOVTALLY_NO_SUCH_FIGURE);
    CHECK_STATUS(govtally_report_get_i64(r, "problems.items.99999999999999999999", &n), GOVTALLY_NO_SUCH_FIGURE);
    CHECK_STATUS(govtally_report_get_i64(r, "total.current", &n), GOVTALLY_OK);
    CHECK(n == 1);
    /* One row in each period: +0.00%. */
    CHECK_STATUS(govtally_report_get_f64(r, "total.change_pct", &x), GOVTALLY_OK);
    CHECK(x == 0.0);
    CHECK_STATUS(govtally_report_get_i64(r, "total", &n), GOVTALLY_INVALID_ARGUMENT);

    /* Frees accept NULL. */
    govtally_options_free(NULL);
    govtally_tally_free(NULL);
    govtally_report_free(NULL);
    govtally_report_free(r);
    govtally_options_free(o);
}

static void test_buffers(void) {
    govtally_report *r = small_report();
    uint64_t needed = 0;
    uint8_t one[2] = {0xA5, 0xA5};
    char *json;

    /* Size 0: the size only. */
    CHECK_STATUS(govtally_report_json(r, NULL, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed > 1);
    CHECK_STATUS(govtally_report_json(r, one, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(one[0] == 0xA5);
    /* Size 1: too small, nothing written, no overrun. */
    CHECK_STATUS(govtally_report_json(r, one, 1, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(one[0] == 0xA5 && one[1] == 0xA5);
    CHECK_STATUS(govtally_report_json(r, one, 1, NULL), GOVTALLY_BUFFER_TOO_SMALL);
    /* One byte short, then exact. */
    json = (char *)malloc((size_t)needed + 1);
    CHECK(json != NULL);
    if (json != NULL) {
        json[needed - 1] = 'Z';
        json[needed] = 'Z';
        CHECK_STATUS(govtally_report_json(r, (uint8_t *)json, needed - 1, NULL), GOVTALLY_BUFFER_TOO_SMALL);
        CHECK(json[needed - 1] == 'Z');
        CHECK_STATUS(govtally_report_json(r, (uint8_t *)json, needed, NULL), GOVTALLY_OK);
        CHECK(json[needed - 1] == '\0' && json[needed] == 'Z');
        CHECK(strlen(json) + 1 == needed);
        free(json);
    }
    govtally_report_free(r);

    /* last_error: make a message, then buffers of 0 and 1. */
    CHECK_STATUS(govtally_dataset_from_name("nope", NULL), GOVTALLY_NULL_ARGUMENT);
    CHECK_STATUS(govtally_last_error(NULL, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(needed > 1);
    CHECK_STATUS(govtally_last_error(NULL, 0, NULL), GOVTALLY_BUFFER_TOO_SMALL);
    one[0] = 0xA5;
    one[1] = 0xA5;
    CHECK_STATUS(govtally_last_error(one, 0, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(one[0] == 0xA5);
    CHECK_STATUS(govtally_last_error(one, 1, &needed), GOVTALLY_BUFFER_TOO_SMALL);
    CHECK(one[0] == 0xA5 && one[1] == 0xA5);
}

static void test_wrong_states(void) {
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    govtally_report *r2 = NULL;
    char path[1024];

    /* Feed after finish, double finish, begin and feed_file after finish. */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, NULL, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_WRONG_STATE);
    CHECK_STATUS(govtally_tally_feed(t, NULL, 0), GOVTALLY_WRONG_STATE);
    CHECK_STATUS(govtally_tally_finish(t, &r2), GOVTALLY_WRONG_STATE);
    CHECK(r2 == NULL);
    CHECK_STATUS(govtally_tally_begin_input(t, "x.csv"), GOVTALLY_WRONG_STATE);
    snprintf(path, sizeof path, "%s/%s", data_dir, "信访咨询件登记2023.csv");
    CHECK_STATUS(govtally_tally_feed_file(t, path), GOVTALLY_WRONG_STATE);
    govtally_tally_free(t);
    govtally_report_free(r);
    r = NULL;

    /* A failed finish (no header) also finishes the tally. */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, NULL, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_FILE_ERROR);
    CHECK(r == NULL);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_WRONG_STATE);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)"a", 1), GOVTALLY_WRONG_STATE);
    govtally_tally_free(t);

    /* A file error while feeding sticks; finish then fails with it. (With
     * encoding auto a short non-ASCII input is held until the encoding is
     * decided, so the header error would only show at finish: utf-8 is
     * chosen to see it at the feed. The header may come below title rows,
     * within the first 10 non-blank records: the complaints rows fed to a
     * legality tally fail once 10 records have none.) */
    {
        govtally_options *o = NULL;
        CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
        CHECK_STATUS(govtally_options_set_encoding(o, "utf-8"), GOVTALLY_OK);
        CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t), GOVTALLY_OK);
        govtally_options_free(o);
    }
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_OK);
    /* the 10th and later records */
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_FILE_ERROR);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_FILE_ERROR);
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_FILE_ERROR);
    CHECK(r == NULL);
    govtally_tally_free(t);

    /* Unfinished tallies are freed without leaks. */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_INSPECTIONS, NULL, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)"任务编号,抽", 10), GOVTALLY_OK);
    govtally_tally_free(t);

    /* Missing files and directories. */
    CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_INSPECTIONS, NULL, &t), GOVTALLY_OK);
    CHECK_STATUS(govtally_tally_feed_file(t, "/nonexistent/x.csv"), GOVTALLY_IO_ERROR);
    CHECK_STATUS(govtally_tally_feed_file(t, data_dir), GOVTALLY_IO_ERROR);
    CHECK_STATUS(govtally_tally_feed_file(t, ""), GOVTALLY_IO_ERROR);
    govtally_tally_free(t);

    /* Options outlive nothing: a tally keeps its own copy. */
    {
        govtally_options *o = NULL;
        int64_t n = 0;
        CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
        CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
        CHECK_STATUS(govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t), GOVTALLY_OK);
        govtally_options_free(o);
        CHECK_STATUS(govtally_tally_feed(t, (const uint8_t *)CSV, (uint64_t)strlen(CSV)), GOVTALLY_OK);
        CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
        govtally_tally_free(t);
        CHECK_STATUS(govtally_report_get_i64(r, "total.previous", &n), GOVTALLY_OK);
        CHECK(n == 1);
        govtally_report_free(r);
    }
}

/* ---- 8 threads, separate handles, the whole sample report each ---- */

struct job {
    int index;
    int failures;
};

#define T_CHECK(job, cond)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            (job)->failures++;                                                 \
            fprintf(stderr, "thread %d: %s:%d: %s\n", (job)->index, __FILE__,   \
                    __LINE__, #cond);                                          \
        }                                                                      \
    } while (0)

static govtally_report *sample(struct job *job, govtally_dataset d, const char *const *files,
                               int count, int chunked) {
    govtally_options *o = NULL;
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    char path[1024];
    int i;
    T_CHECK(job, govtally_options_new(&o) == GOVTALLY_OK);
    T_CHECK(job, govtally_options_set_year(o, 2023) == GOVTALLY_OK);
    T_CHECK(job, govtally_options_set_threads(o, (uint32_t)(1 + job->index % 3)) == GOVTALLY_OK);
    T_CHECK(job, govtally_tally_new(d, o, &t) == GOVTALLY_OK);
    for (i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/%s", data_dir, files[i]);
        if (!chunked) {
            T_CHECK(job, govtally_tally_feed_file(t, path) == GOVTALLY_OK);
        } else {
            /* Read the file and feed it in odd-sized chunks. */
            FILE *f = fopen(path, "rb");
            uint8_t buf[4099];
            size_t n;
            size_t step = (size_t)(1 + job->index * 977 % 4099);
            T_CHECK(job, f != NULL);
            if (f == NULL) {
                continue;
            }
            T_CHECK(job, govtally_tally_begin_input(t, files[i]) == GOVTALLY_OK);
            while ((n = fread(buf, 1, step, f)) > 0) {
                T_CHECK(job, govtally_tally_feed(t, buf, (uint64_t)n) == GOVTALLY_OK);
            }
            fclose(f);
        }
    }
    T_CHECK(job, govtally_tally_finish(t, &r) == GOVTALLY_OK);
    govtally_tally_free(t);
    govtally_options_free(o);
    return r;
}

static int64_t i64(const govtally_report *r, const char *path) {
    int64_t n = -1;
    if (govtally_report_get_i64(r, path, &n) != GOVTALLY_OK) {
        return -1;
    }
    return n;
}

static void *run(void *arg) {
    struct job *job = (struct job *)arg;
    static const char *const legality[] = {"合法性审查台账2023.csv"};
    static const char *const inspections[] = {"双随机抽查记录2023.csv"};
    static const char *const complaints[] = {"信访咨询件登记2022.csv", "信访咨询件登记2023.csv"};
    int chunked = job->index % 2;
    govtally_report *r;
    double x = 0.0;

    r = sample(job, GOVTALLY_DATASET_LEGALITY, legality, 1, chunked);
    T_CHECK(job, i64(r, "reviews.by_type.administrative_contract") == 97);
    T_CHECK(job, i64(r, "reviews.by_type.normative_document") == 3);
    T_CHECK(job, i64(r, "opinions.total") == 110);
    govtally_report_free(r);

    r = sample(job, GOVTALLY_DATASET_INSPECTIONS, inspections, 1, chunked);
    T_CHECK(job, i64(r, "tasks.total") == 19);
    T_CHECK(job, i64(r, "tasks.joint") == 17);
    T_CHECK(job, i64(r, "objects.inspections") == 1027);
    govtally_report_free(r);

    r = sample(job, GOVTALLY_DATASET_COMPLAINTS, complaints, 2, chunked);
    T_CHECK(job, i64(r, "total.current") == 1270);
    T_CHECK(job, i64(r, "total.previous") == 1900);
    T_CHECK(job, govtally_report_get_f64(r, "total.change_pct", &x) == GOVTALLY_OK && x == -33.16);
    govtally_report_free(r);
    return NULL;
}

static void test_threads(void) {
    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    int i;
    for (i = 0; i < THREADS; i++) {
        jobs[i].index = i;
        jobs[i].failures = 0;
        if (pthread_create(&threads[i], NULL, run, &jobs[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            check_failed++;
            return;
        }
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK(jobs[i].failures == 0);
    }
}

int main(int argc, char **argv) {
    if (argc > 1) {
        data_dir = argv[1];
    }
    test_null_arguments();
    test_buffers();
    test_wrong_states();
    test_threads();
    return check_report("test_stress");
}
