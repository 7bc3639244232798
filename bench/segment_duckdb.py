#!/usr/bin/env python3
"""The segmentation peer: DuckDB counts the shipped audiences over the same CSV.

    segment_duckdb.py cold CSV --today YYYY-MM-DD --threads N
    segment_duckdb.py load CSV DB --today ... --threads N   (build the warm table)
    segment_duckdb.py warm DB --today ... --threads N

Prints one JSON object: {"counts": {audience: n}, "seconds": query time}.

The SQL does what `outreach audience list` does with the shipped audiences/:
the CSV is read as text, rows with the wrong number of columns are skipped
(`ignore_errors`), the first row of each id is kept (Outreach rejects later
duplicates), and each value is typed the way the importer types it (genders
male/m/ذكر and female/f/أنثى/انثى in any case, yes/no in English and Arabic,
ISO dates, integers). Missing values are SQL NULLs, which is Outreach's
three-valued logic; `IN AUDIENCE x` is two-valued, hence the coalesce.

Two things DuckDB cannot do natively, replaced by equivalents:
- Arabic normalisation: `ar_norm` below maps آ أ إ ٱ → ا, ى → ي, ة → ه,
  removes harakat and tatweel, collapses white space and lower-cases, a
  subset of ArabicText.normalize (no NFKC), enough for this data.
- Umm al-Qura dates: the Hijri field is compared with the list of Hijri
  dates (computed here with ICU's islamic-umalqura calendar) of the days
  in the rule's Gregorian range.
"""
import argparse
import datetime
import json
import sys
import time

import duckdb


def hijri_days(today, first, last):
    """'YYYY-MM-DD' Umm al-Qura strings of today+first … today+last."""
    import icu
    cal = icu.Calendar.createInstance(icu.TimeZone.createTimeZone("UTC"), icu.Locale("en_US@calendar=islamic-umalqura"))
    out = []
    for k in range(first, last + 1):
        day = today + datetime.timedelta(days=k)
        noon = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.timezone.utc)
        cal.setTime(noon.timestamp())
        out.append("%04d-%02d-%02d" % (cal.get(icu.Calendar.YEAR), cal.get(icu.Calendar.MONTH) + 1, cal.get(icu.Calendar.DATE)))
    return out


MACROS = r"""
CREATE OR REPLACE MACRO ar_norm(s) AS lower(trim(regexp_replace(regexp_replace(
    translate(s, 'آأإٱىةیک', 'اااايهيك'), '[\x{064B}-\x{0652}\x{0670}\x{0640}]', '', 'g'), '\s+', ' ', 'g')));
CREATE OR REPLACE MACRO as_gender(s) AS CASE
    WHEN lower(trim(s)) IN ('male', 'm', 'ذكر') THEN 'male'
    WHEN lower(trim(s)) IN ('female', 'f', 'أنثى', 'انثى') THEN 'female' END;
CREATE OR REPLACE MACRO as_bool(s) AS CASE
    WHEN lower(trim(s)) IN ('true', 'yes', '1', 'نعم') THEN true
    WHEN lower(trim(s)) IN ('false', 'no', '0', 'لا') THEN false END;
CREATE OR REPLACE MACRO as_date(s) AS try_strptime(trim(s), '%Y-%m-%d')::DATE;
CREATE OR REPLACE MACRO as_hijri(s) AS nullif(regexp_replace(trim(s), '\s*هـ$', ''), '');
"""


def typed_select(csv):
    """The population, typed and de-duplicated like Outreach's import."""
    path = csv.replace("'", "''")
    return f"""
    SELECT
        trim(national_id) AS national_id,
        as_gender(gender) AS gender,
        as_date(birth_date) AS birth_date,
        nullif(trim(nationality), '') AS nationality,
        nullif(trim(city), '') AS city,
        try_cast(trim(children) AS BIGINT) AS children,
        as_date(youngest_child_birth_date) AS youngest_child_birth_date,
        as_bool(student) AS student,
        nullif(trim(education_level), '') AS education_level,
        as_hijri(next_vaccination) AS next_vaccination,
        as_date(permit_expiry) AS permit_expiry
    FROM (
        SELECT *, row_number() OVER () AS line
        FROM read_csv('{path}', header = true, all_varchar = true, ignore_errors = true,
                      strict_mode = true, null_padding = false, quote = '"', escape = '"')
    )
    WHERE trim(national_id) <> ''
    QUALIFY row_number() OVER (PARTITION BY trim(national_id) ORDER BY line) = 1
    """


def audiences(today, normalised=False):
    """Each shipped audience as a SQL condition (IN AUDIENCE inlined, two-valued).
    `normalised`: the text columns already hold ar_norm keys (the warm table)."""
    t = f"DATE '{today.isoformat()}'"
    key = (lambda column: column) if normalised else (lambda column: f"ar_norm({column})")
    vaccination = ", ".join(f"'{d}'" for d in hijri_days(today, 0, 30))
    a = {}
    member = lambda name: f"coalesce(({a[name]}), false)"
    a["mothers"] = "gender = 'female' AND children > 0"
    a["fathers"] = "gender = 'male' AND children > 0"
    a["parents"] = f"{member('mothers')} OR {member('fathers')}"
    # age(d) < 2  ⇔  d > today - 2 years (29 Feb → 28 Feb, as Outreach counts)
    a["mothers_of_infants"] = f"{member('mothers')} AND youngest_child_birth_date > {t} - INTERVAL 2 YEAR"
    a["parents_of_school_children"] = (f"{member('parents')} AND youngest_child_birth_date > {t} - INTERVAL 19 YEAR"
                                       f" AND youngest_child_birth_date <= {t} - INTERVAL 6 YEAR")
    a["residents"] = f"{key('nationality')} <> '' AND {key('nationality')} <> ar_norm('SA')"
    a["residents_permit_expiring"] = f"{member('residents')} AND permit_expiry BETWEEN {t} AND {t} + INTERVAL 60 DAY"
    a["students"] = f"student AND birth_date > {t} - INTERVAL 25 YEAR AND birth_date <= {t} - INTERVAL 6 YEAR"
    a["university_students"] = f"{member('students')} AND {key('education_level')} = ar_norm('university')"
    a["vaccination_due"] = f"{member('parents')} AND next_vaccination IN ({vaccination})"
    a["holy_cities"] = f"{key('city')} IN (ar_norm('مكة المكرمة'), ar_norm('المدينة المنورة'))"
    return a


def counts_sql(source, today, normalised=False):
    filters = ",\n  ".join(f"count(*) FILTER (WHERE {cond}) AS {name}"
                           for name, cond in audiences(today, normalised).items())
    return f"SELECT\n  {filters}\nFROM ({source})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["cold", "load", "warm", "sql"])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--today", required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    today = datetime.date.fromisoformat(args.today)

    database = args.paths[1] if args.mode == "load" else args.paths[0] if args.mode == "warm" else ":memory:"
    con = duckdb.connect(database)
    con.execute(f"PRAGMA threads={args.threads}")
    con.execute(MACROS)
    started = time.perf_counter()
    if args.mode == "sql":
        print(counts_sql(typed_select(args.paths[0]), today))
        return
    if args.mode == "load":
        # Pre-normalised like Outreach's snapshot is pre-typed: the text
        # columns rules compare hold their ar_norm keys.
        con.execute(f"""CREATE OR REPLACE TABLE population AS
            SELECT * REPLACE (ar_norm(nationality) AS nationality, ar_norm(city) AS city,
                              ar_norm(education_level) AS education_level)
            FROM ({typed_select(args.paths[0])})""")
        con.execute("CHECKPOINT")
        print(json.dumps({"rows": con.execute("SELECT count(*) FROM population").fetchone()[0],
                          "seconds": time.perf_counter() - started}))
        return
    warm = args.mode == "warm"
    source = "SELECT * FROM population" if warm else typed_select(args.paths[0])
    cursor = con.execute(counts_sql(source, today, normalised=warm))
    row = cursor.fetchone()
    names = [d[0] for d in cursor.description]
    print(json.dumps({"counts": dict(zip(names, row)), "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    sys.exit(main())
