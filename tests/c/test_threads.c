/*
 * govtally C API on several threads at once, each with its own handles:
 * the figures are right on every thread and each thread sees its own last
 * error.
 *
 * Usage: test_threads DATA_DIR
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govtally.h"

#define THREADS 4
#define ROUNDS 3

static const char *data_dir = "examples/data";

struct job {
    int index;
    int passed;
    int failed;
};

#define T_CHECK(job, cond)                                                     \
    do {                                                                       \
        if (cond) {                                                            \
            (job)->passed++;                                                   \
        } else {                                                               \
            (job)->failed++;                                                   \
            fprintf(stderr, "%s:%d: thread %d: CHECK failed: %s\n", __FILE__,  \
                    __LINE__, (job)->index, #cond);                            \
        }                                                                      \
    } while (0)

/* Bad rows unique to each thread, so each thread's last error is its own. */
static void bad_csv(char *buf, size_t cap, int index) {
    snprintf(buf, cap,
             "审查编号,文件类型,收文日期,审结日期,审查意见数\n"
             "T%d,行政合同,2023-01-05,2023-01-09,%d\n"
             "U%d,行政合同,2023-01-05,2023-01-09,bad%d\n",
             index, index, index, index);
}

static void *run(void *arg) {
    struct job *job = (struct job *)arg;
    char path[2][1024];
    char csv[512];
    char want[64];
    char message[1024];
    int round;

    snprintf(path[0], sizeof path[0], "%s/%s", data_dir, "信访咨询件登记2022.csv");
    snprintf(path[1], sizeof path[1], "%s/%s", data_dir, "信访咨询件登记2023.csv");
    bad_csv(csv, sizeof csv, job->index);
    snprintf(want, sizeof want, "value `bad%d`", job->index);

    for (round = 0; round < ROUNDS; round++) {
        govtally_options *o = NULL;
        govtally_tally *t = NULL;
        govtally_report *r = NULL;
        int64_t n = 0;
        double x = 0;
        uint64_t needed = 0;

        T_CHECK(job, govtally_options_new(&o) == GOVTALLY_OK);
        T_CHECK(job, govtally_options_set_year(o, 2023) == GOVTALLY_OK);

        /* a report from files */
        T_CHECK(job, govtally_tally_new(GOVTALLY_DATASET_COMPLAINTS, o, &t) == GOVTALLY_OK);
        T_CHECK(job, govtally_tally_feed_file(t, path[0]) == GOVTALLY_OK);
        T_CHECK(job, govtally_tally_feed_file(t, path[1]) == GOVTALLY_OK);
        T_CHECK(job, govtally_tally_finish(t, &r) == GOVTALLY_OK);
        govtally_tally_free(t);
        T_CHECK(job, govtally_report_get_i64(r, "total.current", &n) == GOVTALLY_OK && n == 1270);
        T_CHECK(job, govtally_report_get_i64(r, "total.previous", &n) == GOVTALLY_OK && n == 1900);
        T_CHECK(job, govtally_report_get_f64(r, "total.change_pct", &x) == GOVTALLY_OK && x == -33.16);
        govtally_report_free(r);
        r = NULL;

        /* a failure whose message is this thread's */
        T_CHECK(job, govtally_tally_new(GOVTALLY_DATASET_LEGALITY, o, &t) == GOVTALLY_OK);
        T_CHECK(job, govtally_tally_feed(t, (const uint8_t *)csv, (uint64_t)strlen(csv)) == GOVTALLY_OK);
        T_CHECK(job, govtally_tally_finish(t, &r) == GOVTALLY_REJECTED_ROWS);
        T_CHECK(job, r == NULL);
        govtally_tally_free(t);
        T_CHECK(job, govtally_last_error((uint8_t *)message, sizeof message, &needed) == GOVTALLY_OK);
        T_CHECK(job, strstr(message, want) != NULL);
        T_CHECK(job, needed == strlen(message) + 1);

        govtally_options_free(o);
    }
    return NULL;
}

int main(int argc, char **argv) {
    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    int i, passed = 0, failed = 0;

    if (argc > 1) {
        data_dir = argv[1];
    }
    for (i = 0; i < THREADS; i++) {
        jobs[i].index = i;
        jobs[i].passed = 0;
        jobs[i].failed = 0;
        if (pthread_create(&threads[i], NULL, run, &jobs[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        passed += jobs[i].passed;
        failed += jobs[i].failed;
    }
    /* the main thread has had no failure: its last error is empty */
    {
        uint8_t buf[4] = {'Z', 'Z', 'Z', 'Z'};
        uint64_t needed = 0;
        if (govtally_last_error(buf, sizeof buf, &needed) == GOVTALLY_OK && buf[0] == '\0' &&
            needed == 1) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "main thread's last error is not empty\n");
        }
    }
    printf("test_threads: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
