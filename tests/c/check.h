/* Minimal test support for the govtally C API tests (C99, header only). */
#ifndef GOVTALLY_TEST_CHECK_H
#define GOVTALLY_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govtally.h"

static int check_passed = 0;
static int check_failed = 0;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (cond) {                                                            \
            check_passed++;                                                    \
        } else {                                                               \
            check_failed++;                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
        }                                                                      \
    } while (0)

/* Checks that an expression returns the expected status. */
#define CHECK_STATUS(expr, want)                                               \
    do {                                                                       \
        govtally_status check_s_ = (expr);                                     \
        if (check_s_ == (want)) {                                              \
            check_passed++;                                                    \
        } else {                                                               \
            char check_m_[512];                                                \
            last_error(check_m_, sizeof check_m_);                             \
            check_failed++;                                                    \
            fprintf(stderr, "%s:%d: %s: got %d (%s), want %d (%s); last error: %s\n", \
                    __FILE__, __LINE__, #expr, (int)check_s_,                  \
                    govtally_status_str(check_s_), (int)(want),                \
                    govtally_status_str(want), check_m_);                      \
        }                                                                      \
    } while (0)

/* Copies the calling thread's last error into buf (truncated to fit). */
static void last_error(char *buf, uint64_t cap) {
    uint64_t needed = 0;
    char *big;
    buf[0] = '\0';
    if (govtally_last_error((uint8_t *)buf, cap, &needed) == GOVTALLY_OK) {
        return;
    }
    big = (char *)malloc((size_t)needed);
    if (big == NULL) {
        return;
    }
    if (govtally_last_error((uint8_t *)big, needed, &needed) == GOVTALLY_OK) {
        strncpy(buf, big, (size_t)cap - 1);
        buf[cap - 1] = '\0';
    }
    free(big);
}

/* The calling thread's last error in a new malloc'ed string. */
static char *last_error_dup(void) {
    uint64_t needed = 0;
    char *m;
    if (govtally_last_error(NULL, 0, &needed) != GOVTALLY_BUFFER_TOO_SMALL) {
        return NULL;
    }
    m = (char *)malloc((size_t)needed);
    if (m != NULL && govtally_last_error((uint8_t *)m, needed, NULL) != GOVTALLY_OK) {
        free(m);
        m = NULL;
    }
    return m;
}

/* A complaints export of `rows` items C0000000, C0000001, … dated the 15th
 * of month 1 + i % 12 of 2023, all 欠薪, in a new malloc'ed buffer of
 * *len bytes (NULL when out of memory). Over 1 MiB from ~45000 rows: past
 * one batch, so it is parsed on worker threads. */
static inline char *numbered_complaints(int rows, size_t *len) {
    static const char header[] = "登记编号,登记日期,问题类别\n";
    size_t cap = (size_t)rows * 40 + sizeof header;
    char *csv = (char *)malloc(cap);
    int i;
    if (csv == NULL) {
        return NULL;
    }
    memcpy(csv, header, sizeof header - 1);
    *len = sizeof header - 1;
    for (i = 0; i < rows; i++) {
        *len += (size_t)snprintf(csv + *len, cap - *len, "C%07d,2023-%02d-15,欠薪\n", i, 1 + i % 12);
    }
    return csv;
}

static int check_report(const char *name) {
    (void)last_error_dup; /* not every test uses it */
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif
