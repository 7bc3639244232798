# Outreach — build, demo and test entry points.
# `make demo` and `make test` are the two commands a new machine needs.

SWIFT        ?= swift
APT_PACKAGES ?= libcurl4-openssl-dev libsqlite3-dev pkg-config
# Real servers the tests talk to over loopback (started by the tests).
TEST_APT_PACKAGES ?= kannel kannel-extras python3-aiosmtpd openssl nginx-light
BIN          := .build/release/outreach
# The bundled sample population is written around this date; the generated
# population uses the real today.
SAMPLE_TODAY ?= 2026-11-29
DEMO_RECORDS ?= 1000000
# The measurement demo's launch and the end of its rehearsal (the generated population uses the real today).
MEASURE_AT    = $(shell date -u +%Y-%m-%dT06:00:00Z)
MEASURE_UNTIL = $(shell date -u -d tomorrow +%Y-%m-%dT00:00:00Z)
OUT          ?= out

.PHONY: all deps test-deps build demo test docs clean bench bench-deps bench-smoke fuzz

all: build

# Installs the system packages the build needs, only when missing.
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# statsmodels (PyPI): the independent computation the uplift statistics are tested against.
test-deps:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(TEST_APT_PACKAGES)"
	@python3 -c "import statsmodels" 2>/dev/null || python3 -m pip install -q statsmodels

build: deps
	$(SWIFT) build -c release --product outreach

# The main job on the embedded defaults: validate the bundled project,
# segment and preview on the sample population, then on a generated
# population of $(DEMO_RECORDS) records.
demo: build
	@echo "== validate the bundled project"
	$(BIN) validate
	@echo "\n== import the sample population (deliberately messy)"
	$(BIN) import-check
	@echo "\n== audiences on the sample, evaluated on $(SAMPLE_TODAY)"
	$(BIN) audience list --today $(SAMPLE_TODAY)
	@echo "\n== preview: vaccination round"
	$(BIN) preview vaccination_round --today $(SAMPLE_TODAY) --sample 3
	@echo "\n== one recipient's message"
	$(BIN) render vaccination_reminder --recipient 1012345678 --json
	@mkdir -p $(OUT)
	@test -f $(OUT)/population-$(DEMO_RECORDS).csv || \
	  (echo "\n== generating $(DEMO_RECORDS) synthetic records" && \
	   $(BIN) generate-population $(DEMO_RECORDS) --seed 7 --out $(OUT)/population-$(DEMO_RECORDS).csv)
	@echo "\n== import $(DEMO_RECORDS) records"
	$(BIN) import-check --population $(OUT)/population-$(DEMO_RECORDS).csv
	@echo "\n== audiences over $(DEMO_RECORDS) records"
	$(BIN) audience list --population $(OUT)/population-$(DEMO_RECORDS).csv
	@echo "\n== preview: back to school over $(DEMO_RECORDS) records"
	$(BIN) preview back_to_school --population $(OUT)/population-$(DEMO_RECORDS).csv --sample 2
	@echo "\n== a whole campaign, end to end: launch, then a rehearsal of three weeks in accelerated time, report (sample)"
	@rm -f $(OUT)/demo-ledger*.sqlite* out/rehearsal-outbox.jsonl
	$(BIN) launch vaccination_round --today $(SAMPLE_TODAY) --at $(SAMPLE_TODAY)T05:00:00Z --yes --ledger $(OUT)/demo-ledger.sqlite > /dev/null
	$(BIN) run --at $(SAMPLE_TODAY)T05:00:00Z --speed 200000 --until 2026-12-20T00:00:00Z --ledger $(OUT)/demo-ledger.sqlite
	$(BIN) report vaccination_round --ledger $(OUT)/demo-ledger.rehearsal.sqlite
	@echo "\n== back to school to $(DEMO_RECORDS) records: a rehearsal of two weekly sends through the ledger"
	@rm -f $(OUT)/demo-ledger-large*.sqlite* out/rehearsal-outbox.jsonl
	$(BIN) launch back_to_school --population $(OUT)/population-$(DEMO_RECORDS).csv --at 2027-08-19T05:00:00Z --yes \
	  --ledger $(OUT)/demo-ledger-large.sqlite > /dev/null
	$(BIN) run --population $(OUT)/population-$(DEMO_RECORDS).csv --at 2027-08-19T05:00:00Z --speed 1000000 \
	  --until 2027-09-01T00:00:00Z --ledger $(OUT)/demo-ledger-large.sqlite
	$(BIN) report back_to_school --population $(OUT)/population-$(DEMO_RECORDS).csv --ledger $(OUT)/demo-ledger-large.rehearsal.sqlite
	@echo "\n(rehearsed messages written to out/rehearsal-outbox.jsonl: $$(wc -l < out/rehearsal-outbox.jsonl); nothing was sent)"
	@echo "\n== what a campaign changed: two wordings and a 5% holdout over $(DEMO_RECORDS) records, a rehearsal, outcomes with a planted effect, the report"
	@rm -f $(OUT)/demo-measure*.sqlite* $(OUT)/demo-outcomes.csv
	$(BIN) preview vaccination_wording --population $(OUT)/population-$(DEMO_RECORDS).csv --cost
	$(BIN) launch vaccination_wording --population $(OUT)/population-$(DEMO_RECORDS).csv --at $(MEASURE_AT) --yes \
	  --ledger $(OUT)/demo-measure.sqlite > /dev/null
	$(BIN) run --population $(OUT)/population-$(DEMO_RECORDS).csv --at $(MEASURE_AT) --speed 1000000 --until $(MEASURE_UNTIL) \
	  --ledger $(OUT)/demo-measure.sqlite
	@echo "\n-- synthetic registry export: 30% vaccinate anyway; the reminder adds 4 points, the warm wording 8 (a few broken rows included)"
	$(BIN) generate-outcomes vaccination_wording --population $(OUT)/population-$(DEMO_RECORDS).csv --ledger $(OUT)/demo-measure.rehearsal.sqlite \
	  --out $(OUT)/demo-outcomes.csv --base 0.30 --uplift 0.04 --variant-uplift vaccination_reminder_warm=0.08 --seed 7 --messy
	$(BIN) outcome import vaccination_wording $(OUT)/demo-outcomes.csv --field vaccinated_on \
	  --population $(OUT)/population-$(DEMO_RECORDS).csv --ledger $(OUT)/demo-measure.rehearsal.sqlite
	$(BIN) report vaccination_wording --outcomes --population $(OUT)/population-$(DEMO_RECORDS).csv --ledger $(OUT)/demo-measure.rehearsal.sqlite

# One test at a time: the CLI suites wait on child processes (blocking a thread of
# the tests' cooperative pool, which has one thread per core), and on two cores
# tests running beside them could starve timing-sensitive transport tests.
test: deps test-deps
	$(SWIFT) test --no-parallel

# docs/commands.md from the program's own help. `make test` fails (DocumentationTests) when it is not
# current, and when a ```console block in README.md or docs/ no longer prints what it shows.
docs:
	$(SWIFT) build --product outreach
	.build/debug/outreach command-reference > docs/commands.md

clean:
	rm -rf .build .build-fuzz $(OUT)

# Fuzzing (Fuzz/run.sh): builds the libFuzzer targets in .build-fuzz and runs
# each for FUZZ_SECONDS; a crash, hang or out-of-memory input fails the run
# and is kept in .build-fuzz/artifacts/<target>/ for a regression test.
FUZZ_SECONDS ?= 120
FUZZ_TARGETS ?=

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) Fuzz/run.sh $(FUZZ_TARGETS)

# Benchmarks (bench/run.py): each measurement next to its peer on the same
# data in the same run; one table, and bench/results.json. Peers: DuckDB
# from PyPI and PyICU from Debian, in a venv that sees Debian's packages;
# nginx-light (the loopback gateway), wrk, and postfix for smtp-sink and
# smtp-source (the runner starts them itself; postfix's own daemon is not
# started by the install in a container and is not needed).
BENCH_APT_PACKAGES ?= python3-icu python3-venv nginx-light wrk postfix
BENCH_PYTHON       := bench/data/venv/bin/python
BENCH_RECORDS      ?= 1000000

bench-deps:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BENCH_APT_PACKAGES)"
	@test -x $(BENCH_PYTHON) || /usr/bin/python3 -m venv --system-site-packages bench/data/venv
	@$(BENCH_PYTHON) -c "import duckdb" 2>/dev/null || $(BENCH_PYTHON) -m pip install -q duckdb

# 1M records (and 10M with BENCH_10M=1), release build.
bench: build bench-deps
	$(BENCH_PYTHON) bench/run.py --records $(BENCH_RECORDS) $(if $(BENCH_10M),--records 10000000)

# The whole suite on 20k records with the debug build: seconds, for CI (no
# time is asserted; it fails only when outputs disagree with the peers').
bench-smoke: deps bench-deps
	$(SWIFT) build --product outreach
	$(BENCH_PYTHON) bench/run.py --smoke --bin .build/debug/outreach --out bench/data/results-smoke.json
