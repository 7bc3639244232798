#!/usr/bin/env python3
"""The rendering peer: ICU's own MessageFormat through PyICU.

    render_icu.py TEMPLATE.yaml MEMBERS.csv OUT.txt [--limit N]

MEMBERS.csv is `outreach audience members everyone --format csv` of the
same population: the values Outreach imported (gender male/female, ISO
dates, integers), so both engines render the same data. Reading it is not
timed; the loop that formats each message and writes "id<TAB>text" lines
is. Records Outreach cannot render (a missing first_name, children or
birth_date) are skipped here too, so both render the same people.

Prints {"messages": n, "renderSeconds": s, "messagesPerSecond": r, "icu": version}.
"""
import argparse
import csv
import datetime
import json
import sys
import time

import icu


def message_text(template_path):
    """The `ar:` text of the template YAML (folded scalar `>-`), without PyYAML."""
    lines = open(template_path, encoding="utf-8").read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip() == "text: >-")
    body = []
    for line in lines[start + 1:]:
        if line.strip() and not line.startswith("    "):
            break
        body.append(line.strip())
    return " ".join(l for l in body if l)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("template")
    parser.add_argument("members")
    parser.add_argument("out")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--locale", default="ar_SA")
    args = parser.parse_args()

    # Outreach formats a day at noon UTC in UTC; do the same.
    icu.TimeZone.setDefault(icu.TimeZone.createTimeZone("UTC"))
    pattern = message_text(args.template)
    formatter = icu.MessageFormat(pattern, icu.Locale(args.locale))
    F = icu.Formattable
    epoch = datetime.date(1970, 1, 1)

    records = []
    with open(args.members, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if not row["first_name"] or not row["children"] or not row["birth_date"]:
                continue
            days = (datetime.date.fromisoformat(row["birth_date"]) - epoch).days
            records.append((row["national_id"], row["gender"] or "other", row["first_name"],
                            int(row["children"]), days * 86400.0 + 43200.0))
            if args.limit and len(records) >= args.limit:
                break

    names = ["gender", "first_name", "children", "birth_date"]
    started = time.perf_counter()
    with open(args.out, "w", encoding="utf-8") as out:
        buffer = []
        for rid, gender, first, children, seconds in records:
            text = formatter.format(names, [F(gender), F(first), F(children), F(seconds, F.kIsDate)])
            buffer.append(f"{rid}\t{text}\n")
            if len(buffer) >= 4096:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))
    elapsed = time.perf_counter() - started
    print(json.dumps({"messages": len(records), "renderSeconds": elapsed,
                      "messagesPerSecond": len(records) / elapsed if elapsed else 0.0,
                      "icu": icu.ICU_VERSION, "pyicu": icu.VERSION}))


if __name__ == "__main__":
    sys.exit(main())
