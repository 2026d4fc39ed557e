"""Compares two reports' JSON, every key and value (key order aside: the
C API's JSON has its keys sorted, the CLI's in the schema's order).

    python3 compare.py WANT.json GOT.json [KEY]   # KEY: compare WANT[datasets][KEY]
    python3 compare.py --figures EXPECTED.json GOT.json

Exit 0 when equal; otherwise the first difference on stderr, exit 1.
"""

import json
import sys


def diff(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'the first' if k in a else 'the second'}"
            d = diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def load(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def main():
    if sys.argv[1] == "--figures":
        want, got = load(sys.argv[2]), load(sys.argv[3])
        bad = 0
        for path, v in want.items():
            x = got
            for k in path.split("."):
                x = x.get(k) if isinstance(x, dict) else None
            if x != v:
                print(f"{path}: want {v}, got {x}", file=sys.stderr)
                bad += 1
        sys.exit(1 if bad else 0)
    want, got = load(sys.argv[1]), load(sys.argv[2])
    if len(sys.argv) > 3:
        want = want["datasets"][sys.argv[3]]
    d = diff(want, got)
    if d:
        print(d, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
