#!/usr/bin/env python3
"""The complaints report (spec 2.3) computed by DuckDB: the peer govtally is
measured against in benches/compare/run.sh (issue #4).

The same work as `govtally complaints FILE --year 2023 --format json` on a
file written by gen_complaints.py (header complaint_id,received_at,channel,
category,kind): read and parse every timestamp, drop repeated ids, then
count the current (2023) and previous (2022) items in total and by category,
channel, kind and month. Prints the grouped counts, one per line, tab
separated:

    period  month  channel  category  kind  count

where the columns a grouping does not use are empty; e.g. the total of the
current period is `current\t\t\t\t\t<n>` and one category of it is
`current\t\t\t欠薪\t\t<n>`.

usage: python3 duckdb_complaints_report.py CSV [--threads N]
"""
import argparse

import duckdb

COLUMNS = ("{'complaint_id': 'VARCHAR', 'received_at': 'TIMESTAMP', 'channel': 'VARCHAR', "
           "'category': 'VARCHAR', 'kind': 'VARCHAR'}")

QUERY = f"""
WITH r AS (
  SELECT DISTINCT ON (complaint_id) received_at, channel, category, kind
  FROM read_csv(?, header = true, delim = ',', quote = '"', columns = {COLUMNS})
), p AS (
  SELECT CASE WHEN received_at >= TIMESTAMP '2023-01-01' AND received_at < TIMESTAMP '2024-01-01' THEN 'current'
              WHEN received_at >= TIMESTAMP '2022-01-01' AND received_at < TIMESTAMP '2023-01-01' THEN 'previous' END AS per,
         month(received_at) AS m, channel, category, kind
  FROM r
)
SELECT per, m, channel, category, kind, count(*) AS n
FROM p WHERE per IS NOT NULL
GROUP BY GROUPING SETS ((per), (per, category), (per, channel), (per, kind), (per, m))
ORDER BY ALL
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    a = ap.parse_args()
    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads = {int(a.threads)}")
    for row in con.execute(QUERY, [a.csv]).fetchall():
        print("\t".join("" if v is None else str(v) for v in row))


if __name__ == "__main__":
    main()
