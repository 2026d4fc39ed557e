/*
 * govtally C API on the sample exports (examples/data): files by path and
 * the same bytes streamed in small chunks; a GB18030 file, a UTF-8-BOM file,
 * a UTF-16LE tab-separated file tallied together with a UTF-8 one.
 *
 * Usage: test_samples DATA_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govtally.h"
#include "check.h"

static const char *data_dir = "examples/data";

static const char LEGALITY[] = "合法性审查台账2023.csv";
static const char INSPECTIONS[] = "双随机抽查记录2023.csv";
static const char COMPLAINTS_2022[] = "信访咨询件登记2022.csv";
static const char COMPLAINTS_2023[] = "信访咨询件登记2023.csv";
static const char ENFORCEMENT[] = "劳动保障监察执法台账2023.csv";
static const char DISPUTES[] = "劳动人事争议案件台账2021-2023.csv";

static void path_of(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/%s", data_dir, name);
}

/* Reads a whole file; NULL on failure. */
static uint8_t *slurp(const char *name, uint64_t *len) {
    char path[1024];
    FILE *f;
    uint8_t *data = NULL;
    size_t cap = 0, n = 0, got;
    path_of(path, sizeof path, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    do {
        if (n == cap) {
            uint8_t *bigger;
            cap = cap ? cap * 2 : 65536;
            bigger = (uint8_t *)realloc(data, cap);
            if (bigger == NULL) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = bigger;
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = (uint64_t)n;
    return data;
}

static govtally_options *options_2023(const char *encoding) {
    govtally_options *o = NULL;
    CHECK_STATUS(govtally_options_new(&o), GOVTALLY_OK);
    CHECK_STATUS(govtally_options_set_year(o, 2023), GOVTALLY_OK);
    if (encoding != NULL) {
        CHECK_STATUS(govtally_options_set_encoding(o, encoding), GOVTALLY_OK);
    }
    return o;
}

/* Tallies files by path. */
static govtally_report *by_path(govtally_dataset d, const govtally_options *o,
                                const char *const *names, int count) {
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    char path[1024];
    int i;
    CHECK_STATUS(govtally_tally_new(d, o, &t), GOVTALLY_OK);
    for (i = 0; i < count; i++) {
        path_of(path, sizeof path, names[i]);
        CHECK_STATUS(govtally_tally_feed_file(t, path), GOVTALLY_OK);
    }
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    govtally_tally_free(t);
    return r;
}

/* Tallies files' bytes fed in chunks of `chunk` bytes. */
static govtally_report *streamed(govtally_dataset d, const govtally_options *o,
                                 const char *const *names, int count, uint64_t chunk) {
    govtally_tally *t = NULL;
    govtally_report *r = NULL;
    char path[1024];
    int i;
    CHECK_STATUS(govtally_tally_new(d, o, &t), GOVTALLY_OK);
    for (i = 0; i < count; i++) {
        uint64_t len = 0, at;
        uint8_t *data = slurp(names[i], &len);
        CHECK(data != NULL);
        if (data == NULL) {
            continue;
        }
        /* Named as by_path names it: the report lists its files. */
        path_of(path, sizeof path, names[i]);
        CHECK_STATUS(govtally_tally_begin_input(t, path), GOVTALLY_OK);
        for (at = 0; at < len; at += chunk) {
            uint64_t n = len - at < chunk ? len - at : chunk;
            govtally_status s = govtally_tally_feed(t, data + at, n);
            if (s != GOVTALLY_OK) {
                CHECK_STATUS(s, GOVTALLY_OK);
                break;
            }
        }
        free(data);
    }
    CHECK_STATUS(govtally_tally_finish(t, &r), GOVTALLY_OK);
    govtally_tally_free(t);
    return r;
}

static int64_t get_i64(const govtally_report *r, const char *path) {
    int64_t n = INT64_MIN;
    CHECK_STATUS(govtally_report_get_i64(r, path, &n), GOVTALLY_OK);
    return n;
}

static double get_f64(const govtally_report *r, const char *path) {
    double x = -1e300;
    CHECK_STATUS(govtally_report_get_f64(r, path, &x), GOVTALLY_OK);
    return x;
}

/* The report's JSON in a new malloc'ed string. */
static char *json_of(const govtally_report *r) {
    uint64_t needed = 0;
    char *buf;
    if (govtally_report_json(r, NULL, 0, &needed) != GOVTALLY_BUFFER_TOO_SMALL) {
        return NULL;
    }
    buf = (char *)malloc((size_t)needed);
    if (buf != NULL && govtally_report_json(r, (uint8_t *)buf, needed, NULL) != GOVTALLY_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void same_json(const govtally_report *a, const govtally_report *b) {
    char *ja = json_of(a);
    char *jb = json_of(b);
    CHECK(ja != NULL && jb != NULL && strcmp(ja, jb) == 0);
    free(ja);
    free(jb);
}

static void check_legality(const govtally_report *r) {
    CHECK(get_i64(r, "reviews.by_type.administrative_contract") == 97);
    CHECK(get_i64(r, "reviews.by_type.normative_document") == 3);
    CHECK(get_i64(r, "reviews.total") == 100);
    CHECK(get_i64(r, "opinions.total") == 110);
    CHECK(get_i64(r, "rows.read") == 107);
    CHECK(get_i64(r, "rows.out_of_period") == 4);
    CHECK(get_i64(r, "rows.duplicates") == 3);
    CHECK(get_i64(r, "departments.劳动关系科.reviews") == 15);
    CHECK(get_f64(r, "review_days.mean") == 7.79);
}

static void check_inspections(const govtally_report *r) {
    CHECK(get_i64(r, "tasks.total") == 19);
    CHECK(get_i64(r, "tasks.joint") == 17);
    CHECK(get_i64(r, "objects.inspections") == 1027);
    CHECK(get_i64(r, "objects.distinct") == 872);
    CHECK(get_i64(r, "partners.区市场监管局") == 11);
    CHECK(get_f64(r, "issue_rate_pct") == 14.70);
}

static void check_complaints(const govtally_report *r) {
    CHECK(get_i64(r, "total.current") == 1270);
    CHECK(get_i64(r, "total.previous") == 1900);
    CHECK(get_i64(r, "total.change") == -630);
    CHECK(get_f64(r, "total.change_pct") == -33.16);
    CHECK(get_i64(r, "by_category.欠薪.current") == 389);
    CHECK(get_f64(r, "by_category.欠薪.change_pct") == -41.33);
    CHECK(get_i64(r, "rows.read") == 3186);
    {
        int64_t n = 0;
        CHECK_STATUS(govtally_report_get_i64(r, "total.change_pct", &n), GOVTALLY_INVALID_ARGUMENT);
    }
}

/* The report's Chinese text in a new malloc'ed string. */
static char *text_of(const govtally_report *r) {
    uint64_t needed = 0;
    char *buf;
    if (govtally_report_text(r, NULL, 0, &needed) != GOVTALLY_BUFFER_TOO_SMALL) {
        return NULL;
    }
    buf = (char *)malloc((size_t)needed);
    if (buf != NULL && govtally_report_text(r, (uint8_t *)buf, needed, NULL) != GOVTALLY_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void check_enforcement(const govtally_report *r) {
    char *text;
    CHECK(get_i64(r, "by_type.handling_decision.actions") == 92);
    CHECK(get_i64(r, "by_type.penalty.by_kind.enterprise.targets") == 31);
    CHECK(get_i64(r, "by_type.credit_deduction.actions") == 72);
    CHECK(get_i64(r, "by_type.interview.actions") == 27);
    CHECK(get_i64(r, "by_type.penalty.by_kind.person.actions") == 38);
    CHECK(get_i64(r, "by_type.police_transfer.actions") == 4);
    CHECK(get_i64(r, "by_type.risk_resolved.actions") == 14);
    CHECK(get_i64(r, "rows.read") == 297);
    CHECK(get_i64(r, "rows.duplicates") == 4);
    text = text_of(r);
    CHECK(text != NULL && strstr(text, "【劳动保障监察执法台账】2023-01-01 至 2023-12-31") != NULL);
    CHECK(text != NULL && strstr(text, "行政处理决定：92 起") != NULL);
    free(text);
}

static void check_disputes(const govtally_report *r) {
    CHECK(get_i64(r, "registered.by_venue_type.station") == 2630);
    CHECK(get_i64(r, "closed.by_venue_type.station") == 1594);
    CHECK(get_i64(r, "arbitration.concluded") == 421);
    CHECK(get_i64(r, "hearings.by_month.2023-12.weekend") == 28);
    CHECK(get_i64(r, "hearings.digital_to_date") == 1771);
    CHECK(get_f64(r, "mediation.success_rate_pct") == 95.26);
    CHECK(get_i64(r, "rows.read") == 5067);
    CHECK(get_i64(r, "rows.counted") == 4907);
}

int main(int argc, char **argv) {
    static const uint64_t chunks[] = {1, 2, 3, 7, 4096};
    const char *legality[1];
    const char *inspections[1];
    const char *complaints[2];
    govtally_options *o;
    govtally_report *whole, *r;
    size_t i;

    if (argc > 1) {
        data_dir = argv[1];
    }
    {
        const char *enforcement[1];
        const char *disputes[1];
        enforcement[0] = ENFORCEMENT;
        disputes[0] = DISPUTES;

        /* enforcement: UTF-8 with BOM, money in every written form */
        o = options_2023(NULL);
        whole = by_path(GOVTALLY_DATASET_ENFORCEMENT, o, enforcement, 1);
        check_enforcement(whole);
        r = streamed(GOVTALLY_DATASET_ENFORCEMENT, o, enforcement, 1, 7);
        check_enforcement(r);
        same_json(whole, r);
        govtally_report_free(r);
        govtally_report_free(whole);
        govtally_options_free(o);

        /* disputes: UTF-16LE with tabs, three dates per row */
        o = options_2023(NULL);
        whole = by_path(GOVTALLY_DATASET_DISPUTES, o, disputes, 1);
        check_disputes(whole);
        r = streamed(GOVTALLY_DATASET_DISPUTES, o, disputes, 1, 4096);
        check_disputes(r);
        same_json(whole, r);
        govtally_report_free(r);
        govtally_report_free(whole);
        govtally_options_free(o);
    }

    legality[0] = LEGALITY;
    inspections[0] = INSPECTIONS;
    complaints[0] = COMPLAINTS_2022;
    complaints[1] = COMPLAINTS_2023;

    /* legality: GB18030, detected and named */
    o = options_2023(NULL);
    whole = by_path(GOVTALLY_DATASET_LEGALITY, o, legality, 1);
    check_legality(whole);
    for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        r = streamed(GOVTALLY_DATASET_LEGALITY, o, legality, 1, chunks[i]);
        check_legality(r);
        same_json(whole, r);
        govtally_report_free(r);
    }
    govtally_options_free(o);
    o = options_2023("gb18030");
    r = by_path(GOVTALLY_DATASET_LEGALITY, o, legality, 1);
    check_legality(r);
    same_json(whole, r);
    govtally_report_free(r);
    govtally_options_free(o);
    govtally_report_free(whole);

    /* the period inferred from the data is 2023 too */
    whole = by_path(GOVTALLY_DATASET_LEGALITY, NULL, legality, 1);
    check_legality(whole);
    govtally_report_free(whole);

    /* inspections: UTF-8 with BOM */
    o = options_2023(NULL);
    whole = by_path(GOVTALLY_DATASET_INSPECTIONS, o, inspections, 1);
    check_inspections(whole);
    for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        r = streamed(GOVTALLY_DATASET_INSPECTIONS, o, inspections, 1, chunks[i]);
        check_inspections(r);
        same_json(whole, r);
        govtally_report_free(r);
    }
    govtally_report_free(whole);
    govtally_options_free(o);

    /* complaints: UTF-16LE with tabs and UTF-8 with commas, together */
    o = options_2023(NULL);
    whole = by_path(GOVTALLY_DATASET_COMPLAINTS, o, complaints, 2);
    check_complaints(whole);
    for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        r = streamed(GOVTALLY_DATASET_COMPLAINTS, o, complaints, 2, chunks[i]);
        check_complaints(r);
        same_json(whole, r);
        govtally_report_free(r);
    }
    govtally_report_free(whole);
    govtally_options_free(o);

    return check_report("test_samples");
}
