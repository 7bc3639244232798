#!/usr/bin/env bash
# Builds the libFuzzer executables (Fuzz/Package.swift: release, fuzzer and
# address sanitizers, in their own scratch folder) and runs each fuzz target
# for FUZZ_SECONDS, starting from its seeds in Fuzz/corpus/<target>/.
#
#   Fuzz/run.sh                    every target
#   Fuzz/run.sh message-format     only the ones named
#
# Settings (environment): FUZZ_SECONDS per target (120), FUZZ_MAX_LEN bytes
# per input (16384), FUZZ_RSS_MB memory (2048), FUZZ_TIMEOUT seconds for one
# input before it counts as a hang (60), FUZZ_SLOW seconds after which an
# input is reported as slow (5), FUZZ_SCRATCH the build and work folder
# (.build-fuzz), FUZZ_KEEP_GOING=1 to go on past crashes (libFuzzer's fork
# mode: every crash of the run is saved, not only the first).
#
# Inputs the fuzzers find interesting collect in $FUZZ_SCRATCH/corpus/<target>
# (kept between runs); a crash, hang or out-of-memory input is written to
# $FUZZ_SCRATCH/artifacts/<target>/ and the script exits 1 after running
# every target. Make each one a regression test: copy it to
# Tests/OutreachFuzzTests/Inputs/<target>/ (OutreachFuzzTests replays it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-120}
max_len=${FUZZ_MAX_LEN:-16384}
rss_mb=${FUZZ_RSS_MB:-2048}
timeout=${FUZZ_TIMEOUT:-60}
slow=${FUZZ_SLOW:-5}
scratch=${FUZZ_SCRATCH:-.build-fuzz}
swift=${SWIFT:-swift}

all_targets=(population-import audience-rule message-format project-yaml)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [ -d "Fuzz/corpus/$target" ] || { echo "unknown fuzz target '$target' (targets: ${all_targets[*]})" >&2; exit 2; }
done

# --sanitize links libFuzzer and ASan, but hands swiftc one -sanitize= flag per
# sanitizer in no fixed order, and only the last one instruments; the joined
# flag, given last, instruments for both.
build=("$swift" build --package-path Fuzz --scratch-path "$scratch" -c release
       --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address)
mkdir -p "$scratch/logs"
echo "== building the fuzz targets (${build[*]})"
if ! "${build[@]}" >"$scratch/logs/build.log" 2>&1; then
  # The linker's "Cannot export local symbol" lines are ASan's, harmless and many.
  grep -v "Cannot export local symbol" "$scratch/logs/build.log" | tail -40 >&2
  echo "fuzz build failed (log: $scratch/logs/build.log)" >&2
  exit 1
fi
grep -E "^Build complete" "$scratch/logs/build.log" | sed 's/^/   /' || true
bin=$("${build[@]}" --show-bin-path)

# Swift's runtime keeps caches for the life of the process: not leaks. Its
# own crash backtracer would run inside ASan and be reported as the crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export SWIFT_BACKTRACE=enable=no
keep_going=()
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)

failed=()
for target in "${targets[@]}"; do
  work="$scratch/corpus/$target" artifacts="$scratch/artifacts/$target" log="$scratch/logs/$target.log"
  mkdir -p "$work" "$artifacts"
  dict=()
  [ -f "Fuzz/dict/$target.dict" ] && dict=(-dict="Fuzz/dict/$target.dict")
  echo "== fuzzing $target for ${seconds}s (log: $log)"
  set +e
  "$bin/fuzz-$target" "$work" "Fuzz/corpus/$target" "${dict[@]}" "${keep_going[@]}" \
    -max_total_time="$seconds" -max_len="$max_len" \
    -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" -timeout="$timeout" -report_slow_units="$slow" \
    -detect_leaks=0 -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  # Executions and speed: libFuzzer's DONE line, else (a crash, fork mode) its last status line.
  { grep -E "^#[0-9]+[[:space:]]+DONE" "$log" || grep -E "^#[0-9]+[:[:space:]]" "$log" | tail -1; } | sed 's/^/   /' || true
  grep -E "Slow unit" "$log" | sed 's/^/   /' || true
  if [ $status -ne 0 ]; then
    failed+=("$target")
    echo "   FAILED (exit $status):"
    grep -E "ERROR|^SUMMARY|Fatal error|Test unit written to|ALARM|out-of-memory" "$log" | head -8 | sed 's/^/   /' || true
    # The first frames in Outreach's own sources: where it went wrong.
    grep -E "^ +#[0-9]+ 0x.* /.*/Sources/" "$log" | head -4 | sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ in [^ ]+ /   at /' || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "== crashes, hangs or out-of-memory in: ${failed[*]}"
  echo "   inputs are in $scratch/artifacts/<target>/; Fuzz/triage.sh tells them apart (replay one:"
  echo "   $bin/fuzz-<target> FILE); copy each distinct one to Tests/OutreachFuzzTests/Inputs/<target>/"
  echo "   as a regression test"
  exit 1
fi
echo "== no crashes"
