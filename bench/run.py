#!/usr/bin/env python3
"""Outreach's benchmark suite: each measurement next to its peer, same data, same run.

    bench/run.py [--records N ...] [--smoke] [--seed S] [--today YYYY-MM-DD]
                 [--threads N] [--bin PATH] [--python PATH] [--out bench/results.json]

`make bench` runs it on 1M records (and 10M with BENCH_10M=1) after a
release build; `make bench-smoke` on 20k records, for CI (no time is
asserted anywhere). Data goes to bench/data/ (git-ignored, kept between
runs: a population file is generated once per size and seed).

Every program measured runs as a child process; its wall time is taken
around it and its peak RSS comes from wait4's rusage. One table is printed
and bench/results.json written (date, machine, versions, every figure).

Adding a measurement (dispatch, SMTP, durable sending, planning — issue 5,
3 to 6): write `def measure_x(ctx) -> list[Row]` and put it in
MEASUREMENTS below, replacing its `None`. `ctx` (Context) has the data
files, the binary, the peers' Python and helpers to run a child (`ctx.run`)
and to record a row (`Row`).
"""
import argparse
import dataclasses
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")


# MARK: Running children


@dataclasses.dataclass
class Run:
    """One child process: its wall time, peak RSS and output."""
    argv: list
    wall: float
    cpu: float            # user + system seconds (steadier than wall on a busy machine)
    rss_kib: int
    status: int
    stdout: str
    stderr: str

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError:
            raise SystemExit(f"not JSON from {' '.join(self.argv)}:\n{self.stdout[:2000]}\n{self.stderr[:2000]}")


def run(argv, check=True, cwd=ROOT, env=None):
    """Runs argv, measuring wall time around it and peak RSS from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(argv, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, child.returncode,
                     out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))
    if check and result.status != 0:
        raise SystemExit(f"failed ({result.status}): {' '.join(argv)}\n{result.stderr[-4000:]}")
    return result


# MARK: Results


@dataclasses.dataclass
class Side:
    """One program's figure in a row."""
    value: float          # in the row's unit
    wall: float           # seconds, the whole process
    rss_mib: float
    detail: dict = dataclasses.field(default_factory=dict)
    cpu: float = None     # user + system seconds of the whole process


@dataclasses.dataclass
class Row:
    measurement: str      # e.g. "segmentation, CSV → 11 counts"
    records: int
    unit: str             # "s" (lower is better) or "msg/s" (higher is better)
    ours: Side
    peer: Side = None
    peer_name: str = ""
    target: str = ""
    met: bool = None
    check: str = ""       # agreement of the outputs
    agree: bool = None
    notes: str = ""

    @property
    def ratio(self):
        """How many times better ours is (>1: ours faster)."""
        if not self.peer or not self.peer.value or not self.ours.value:
            return None
        if self.unit == "s":
            return self.peer.value / self.ours.value
        return self.ours.value / self.peer.value


class Context:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        self.python = args.python
        self.today = args.today
        self.seed = args.seed
        self.threads = args.threads
        self.smoke = args.smoke
        self.rows = []

    def population(self, records):
        """The generated CSV for this size (made once, kept in bench/data)."""
        path = os.path.join(DATA, f"population-{records}-s{self.seed}-{self.today}.csv")
        if not os.path.exists(path):
            log(f"generating {records:,} records → {os.path.relpath(path, ROOT)}")
            run([self.bin, "generate-population", str(records), "--seed", str(self.seed),
                 "--today", self.today, "--out", path + ".partial"])
            os.replace(path + ".partial", path)
        return path

    def outreach(self, *args, check=True):
        return run([self.bin, *args], check=check)

    def peer(self, script, *args):
        return run([self.python, os.path.join(HERE, script), *args])


def log(text):
    print(f"· {text}", file=sys.stderr, flush=True)


def mib(kib):
    return kib / 1024.0


# MARK: 1. Segmentation


def measure_segmentation(ctx, records):
    """CSV on disk → the counts of the shipped audiences: `outreach audience
    list` against DuckDB read_csv + count(*) FILTER (…), same cores. Then the
    warm case: Outreach's snapshot against DuckDB's own table."""
    csv = ctx.population(records)
    common = ["--today", ctx.today, "--threads", str(ctx.threads)]

    log(f"segmentation, {records:,} records: outreach audience list (CSV)")
    ours = ctx.outreach("audience", "list", "--json", "--population", csv, "--today", ctx.today)
    our_counts = {r["name"]: r["count"] for r in ours.json()}
    log(f"segmentation, {records:,} records: DuckDB read_csv (threads={ctx.threads})")
    peer = ctx.peer("segment_duckdb.py", "cold", csv, *common)
    peer_counts = peer.json()["counts"]
    agree, check = compare_counts(our_counts, peer_counts)
    rows = [Row(f"segmentation: CSV → {len(our_counts)} audience counts", records, "s",
                Side(ours.wall, ours.wall, mib(ours.rss_kib), {"counts": our_counts}, ours.cpu),
                Side(peer.wall, peer.wall, mib(peer.rss_kib),
                     {"counts": peer_counts, "querySeconds": peer.json()["seconds"]}, peer.cpu),
                f"DuckDB {duckdb_version(ctx)} read_csv", "time ≤ DuckDB's, lower RSS",
                ours.wall <= peer.wall and ours.rss_kib < peer.rss_kib, check, agree,
                f"DuckDB threads={ctx.threads}; outreach imports on one thread")]

    # Warm: each engine's own stored form, made beforehand (not timed here).
    snap = csv[:-4] + ".snap"
    made = ctx.outreach("snapshot", "--population", csv, "--out", snap, "--json")
    database = csv[:-4] + ".duckdb"
    if os.path.exists(database):
        os.remove(database)
    loaded = ctx.peer("segment_duckdb.py", "load", csv, database, *common)
    log(f"segmentation, {records:,} records: warm (snapshot vs DuckDB table)")
    ours_warm = ctx.outreach("audience", "list", "--json", "--population", snap, "--today", ctx.today)
    peer_warm = ctx.peer("segment_duckdb.py", "warm", database, *common)
    warm_counts = {r["name"]: r["count"] for r in ours_warm.json()}
    agree_warm, check_warm = compare_counts(warm_counts, peer_warm.json()["counts"])
    if warm_counts != our_counts:
        agree_warm, check_warm = False, "MISMATCH: the snapshot's counts differ from the CSV's"
    rows.append(Row(f"segmentation warm: snapshot → {len(warm_counts)} counts", records, "s",
                    Side(ours_warm.wall, ours_warm.wall, mib(ours_warm.rss_kib),
                         {"snapshotSeconds": made.wall, "snapshotBytes": made.json()["bytes"]}, ours_warm.cpu),
                    Side(peer_warm.wall, peer_warm.wall, mib(peer_warm.rss_kib),
                         {"loadSeconds": loaded.wall, "querySeconds": peer_warm.json()["seconds"],
                          "databaseBytes": os.path.getsize(database)}, peer_warm.cpu),
                    "DuckDB table, typed and pre-normalised", "< 1 s at 10M",
                    ours_warm.wall < 1.0 if records >= 10_000_000 else None, check_warm, agree_warm,
                    f"snapshot made in {made.wall:.1f} s, DuckDB table in {loaded.wall:.1f} s (not in the figures)"))
    return rows


def compare_counts(ours, peer):
    if set(ours) != set(peer):
        return False, f"MISMATCH: audiences differ: {sorted(set(ours) ^ set(peer))}"
    wrong = {k: (ours[k], peer[k]) for k in ours if ours[k] != peer[k]}
    if wrong:
        return False, "MISMATCH " + ", ".join(f"{k}: ours {a} peer {b}" for k, (a, b) in sorted(wrong.items()))
    return True, f"all {len(ours)} counts equal"


# MARK: 2. Rendering


def measure_rendering(ctx, records):
    """A personalised Arabic SMS (gender select, Arabic plural, Umm al-Qura
    date, a number) for every record: `outreach render-all` against ICU's
    MessageFormat through PyICU, on the same values; texts compared."""
    csv = ctx.population(records)
    project = os.path.join(HERE, "project")
    template = os.path.join(project, "templates", "bench_sms.yaml")
    members = csv[:-4] + ".members.csv"
    if not os.path.exists(members):
        log("exporting the imported values for the PyICU peer")
        exported = run([ctx.bin, "audience", "members", "everyone", "--format", "csv", "--project", project,
                        "--population", csv, "--today", ctx.today])
        with open(members + ".partial", "w", encoding="utf-8") as f:
            f.write(exported.stdout)
        os.replace(members + ".partial", members)
    ours_out = os.path.join(DATA, f"render-ours-{records}.txt")
    peer_out = os.path.join(DATA, f"render-icu-{records}.txt")

    log(f"rendering, {records:,} records: outreach render-all")
    ours = ctx.outreach("render-all", "bench_sms", "--project", project, "--population", csv,
                        "--today", ctx.today, "--ids", "--out", ours_out, "--json")
    o = ours.json()
    log(f"rendering, {records:,} records: PyICU MessageFormat")
    peer = ctx.peer("render_icu.py", template, members, peer_out)
    p = peer.json()
    agree, check, differences = compare_texts(ours_out, peer_out, sample=1000)
    if o["messages"] != p["messages"]:
        agree, check = False, f"MISMATCH: {o['messages']} messages vs {p['messages']}; " + check
    return [Row("rendering: Arabic SMS per record", records, "msg/s",
                Side(o["messagesPerSecond"], ours.wall, mib(ours.rss_kib),
                     {"messages": o["messages"], "renderSeconds": o["renderSeconds"], "loadSeconds": o["loadSeconds"]}, ours.cpu),
                Side(p["messagesPerSecond"], peer.wall, mib(peer.rss_kib),
                     {"messages": p["messages"], "renderSeconds": p["renderSeconds"], "icu": p["icu"], "pyicu": p["pyicu"]}, peer.cpu),
                f"PyICU {p['pyicu']} (ICU {p['icu']})", "≥ 5× PyICU's msg/s",
                o["messagesPerSecond"] >= 5 * p["messagesPerSecond"], check, agree,
                "rates over the rendering loop only (data loaded first); " + differences)]


def compare_texts(ours_path, peer_path, sample):
    """Compares the first `sample` messages by id. A difference that is only
    the comma ICU versions put after the month in long dates is counted apart."""
    def read(path):
        texts = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                rid, _, text = line.rstrip("\n").partition("\t")
                texts[rid] = text
                if len(texts) >= sample:
                    break
        return texts
    ours, peer = read(ours_path), read(peer_path)
    common = [k for k in ours if k in peer]
    identical = sum(1 for k in common if ours[k] == peer[k])
    comma_only = [k for k in common if ours[k] != peer[k] and ours[k].replace("،", "") == peer[k].replace("،", "")]
    other = [k for k in common if ours[k] != peer[k] and k not in set(comma_only)]
    check = f"{identical}/{len(common)} identical"
    if comma_only:
        check += f", {len(comma_only)} differ only by the comma after the month (ICU versions)"
    if other:
        check += f", MISMATCH in {len(other)}"
    example = ""
    if comma_only or other:
        k = (other or comma_only)[0]
        example = f"e.g. {k}: ours «{ours[k]}» ICU «{peer[k]}»"
    return (not other and len(common) > 0), check, example


# MARK: 6. Planning at scale


PLAN_CAMPAIGNS = 100


def plan_project():
    """bench/data/plan-project: the shipped schema, audiences and templates,
    and 100 campaigns with relative sends (permit expiry, vaccination dates)."""
    import shutil
    project = os.path.join(DATA, "plan-project")
    if os.path.exists(os.path.join(project, "campaigns", f"c{PLAN_CAMPAIGNS - 1:03}.yaml")):
        return project
    shutil.rmtree(project, ignore_errors=True)
    os.makedirs(os.path.join(project, "campaigns"))
    for item in ["outreach.yaml", "schema.yaml"]:
        shutil.copy(os.path.join(ROOT, item), project)
    for item in ["audiences", "templates"]:
        shutil.copytree(os.path.join(ROOT, item), os.path.join(project, item))
    kinds = [("residents", "residency_regulation", "permit_expiry"),
             ("parents", "vaccination_reminder", "next_vaccination")]
    for i in range(PLAN_CAMPAIGNS):
        audience, template, field = kinds[i % 2]
        first, second = 1 + i % 30, 31 + (i * 7) % 60
        with open(os.path.join(project, "campaigns", f"c{i:03}.yaml"), "w", encoding="utf-8") as f:
            f.write(f"title: plan benchmark {i}\naudience: {audience}\ntemplate: {template}\nchannel: sms\n"
                    f"gateway: outbox\nsender: MOH\nschedule:\n  relative_to: {field}\n"
                    f"  offsets: [-{second}d, -{first}d]\n  at: \"{9 + i % 8:02}:00\"\n  late_within: 1d\n")
    return project


def measure_plan(ctx, records):
    """`outreach plan` for each of 100 campaigns with relative sends, over a
    tenth of the population and over all of it (each run reads the snapshot):
    total time, the largest peak RSS, and how both grow (linear or better)."""
    project = plan_project()
    campaigns = 20 if ctx.smoke else PLAN_CAMPAIGNS   # the smoke run only checks it works
    small = max(records // 10, 1000)
    figures = {}
    for n in (small, records):
        csv = ctx.population(n)
        snap = csv[:-4] + ".snap"
        if not os.path.exists(snap):
            ctx.outreach("snapshot", "--population", csv, "--out", snap)
        log(f"planning {campaigns} campaigns over {n:,} records")
        wall = cpu = 0.0
        rss = sends = 0
        for i in range(campaigns):
            r = run([ctx.bin, "plan", f"c{i:03}", "--project", project, "--population", snap, "--today", ctx.today, "--json"])
            wall += r.wall
            cpu += r.cpu
            rss = max(rss, r.rss_kib)
            sends += len(r.json().get("sends", []))
        figures[n] = (wall, cpu, rss, sends)
    (w0, c0, r0, _), (w1, c1, r1, sends) = figures[small], figures[records]
    growth, memory = w1 / w0, r1 / r0
    return [Row(f"plan: {campaigns} campaigns, relative sends", records, "s",
                Side(w1, w1, mib(r1), {"sendTimes": sends, "smaller": small, "smallerSeconds": w0,
                                       "smallerRSSMiB": mib(r0), "timeGrowth": growth, "memoryGrowth": memory}, c1),
                target=f"linear: ≤ {records // small}× from {small:,}",
                met=growth <= records / small and memory <= records / small,
                check=f"{small:,} → {records:,}: time ×{growth:.1f}, RSS ×{memory:.1f}",
                notes=f"{campaigns} runs of outreach plan on the snapshot; {w0:.1f} s and {mib(r0):.0f} MiB at {small:,}")]


# MARK: The registry


def versions(ctx):
    out = {}
    out["outreach"] = run([ctx.bin, "--version"]).stdout.strip()
    swift = run(["swift", "--version"], check=False)
    out["swift"] = (swift.stdout or swift.stderr).splitlines()[0] if swift.status == 0 else "?"
    probe = run([ctx.python, "-c", "import duckdb, icu, sys; print(duckdb.__version__, icu.VERSION, icu.ICU_VERSION, sys.version.split()[0])"])
    duck, pyicu, icu_version, python = probe.stdout.split()
    out.update({"duckdb": duck, "pyicu": pyicu, "icu (PyICU)": icu_version, "python": python})
    return out


_DUCKDB = None


def duckdb_version(ctx):
    global _DUCKDB
    if _DUCKDB is None:
        _DUCKDB = run([ctx.python, "-c", "import duckdb; print(duckdb.__version__)"]).stdout.strip()
    return _DUCKDB


# Measurements of issue 5 in order. None: not written yet (printed as such).
# Each takes (ctx, records) and returns rows.
MEASUREMENTS = [
    ("1 segmentation", measure_segmentation),
    ("2 rendering", measure_rendering),
    ("3 HTTP dispatch vs wrk", None),          # libcurl dispatcher → nginx on loopback; peer: wrk
    ("4 SMTP dispatch vs smtp-source", None),  # → postfix smtp-sink; peer: smtp-source
    ("5 durable sending", None),               # 1M through the SQLite ledger; ≥50% of 3, RSS < 300 MB
    ("6 plan at scale", measure_plan),         # outreach plan, 100 campaigns, N/10 vs N
]


# MARK: Machine and output


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memoryGiB": round(memory / 2**30, 1),
            "os": platform.platform(), "kernel": platform.release()}


def fmt_side(side, unit):
    text = fmt(side.value, unit)
    if unit == "s" and side.cpu is not None:
        text += f" (cpu {side.cpu:.2f})"
    return text


def fmt(value, unit):
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:,.0f} {unit}"


def table(rows, pending):
    header = ["measurement", "records", "ours", "peer", "ratio", "ours RSS", "peer RSS", "target", "check"]
    lines = []
    for r in rows:
        ratio = r.ratio
        lines.append([
            r.measurement, f"{r.records:,}", fmt_side(r.ours, r.unit),
            (fmt_side(r.peer, r.unit) + f" [{r.peer_name}]") if r.peer else "—",
            f"{ratio:.2f}×" if ratio else "—",
            f"{r.ours.rss_mib:,.0f} MiB", f"{r.peer.rss_mib:,.0f} MiB" if r.peer else "—",
            r.target + ("" if r.met is None else (" ✓" if r.met else " ✗")),
            r.check,
        ])
    for name in pending:
        lines.append([name, "", "not measured yet", "", "", "", "", "", ""])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths)),
           "-|-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(line, widths)) for line in lines]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, action="append", help="population size (repeatable); default 1000000")
    parser.add_argument("--smoke", action="store_true", help="20,000 records: checks the suite runs, in seconds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", default="2026-11-29", help="generation and evaluation date (fixed: same data every run)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="cores given to DuckDB")
    parser.add_argument("--render-limit", type=int, default=1_000_000, help="render at most this many records (10M runs)")
    parser.add_argument("--plan-limit", type=int, default=1_000_000,
                        help="plan at most this many records (each of the 100 runs reads the whole snapshot)")
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "outreach"))
    parser.add_argument("--python", default=os.path.join(DATA, "venv", "bin", "python"),
                        help="Python with duckdb and PyICU (make bench-deps makes it)")
    parser.add_argument("--only", action="append", help="run only measurements whose name contains this")
    parser.add_argument("--out", default=os.path.join(HERE, "results.json"))
    args = parser.parse_args()
    sizes = [20_000] if args.smoke else (args.records or [1_000_000])
    os.makedirs(DATA, exist_ok=True)
    ctx = Context(args)

    started = time.time()
    load_before = os.getloadavg()
    rows, pending = [], []
    for name, measure in MEASUREMENTS:
        if args.only and not any(o in name for o in args.only):
            continue
        if measure is None:
            pending.append(name)
            continue
        for records in sizes:
            if measure is measure_rendering and records > args.render_limit:
                continue
            if measure is measure_plan and records > args.plan_limit:
                continue
            rows += measure(ctx, records)

    print()
    print(f"Outreach benchmarks, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{machine()['nproc']} cores, {machine()['cpu']}, load average {load_before[0]:.1f} → {os.getloadavg()[0]:.1f}")
    print("times: wall seconds of the whole process (cpu: user + system seconds); ratio > 1: Outreach better")
    print(table(rows, pending))
    for r in rows:
        if r.notes:
            print(f"  {r.measurement} ({r.records:,}): {r.notes}")
    mismatches = [r for r in rows if r.agree is False]
    for r in mismatches:
        print(f"\n!!! {r.measurement} ({r.records:,}): outputs disagree: {r.check}", file=sys.stderr)

    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(ctx),
        "seed": args.seed, "today": args.today, "threads": args.threads, "smoke": args.smoke,
        "seconds": round(time.time() - started, 1),
        # Other work on the machine: wall times above suffer, CPU times less.
        "loadAverage": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]},
        "measurements": [dict(dataclasses.asdict(r), ratio=r.ratio) for r in rows],
        "pending": pending,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"\nwrote {os.path.relpath(args.out, ROOT)}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
