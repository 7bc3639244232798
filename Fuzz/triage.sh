#!/usr/bin/env bash
# Replays saved inputs through their fuzz target (as built by Fuzz/run.sh)
# and prints, per input, what went wrong and the first frame in Outreach's
# own sources, so the distinct crashes of a run can be told apart.
#
#   Fuzz/triage.sh                                  every artifact of the last runs
#   Fuzz/triage.sh message-format FILE...           the given inputs
#   Fuzz/triage.sh --inputs                         Tests/OutreachFuzzTests/Inputs (the regression inputs)
set -uo pipefail
cd "$(dirname "$0")/.."
scratch=${FUZZ_SCRATCH:-.build-fuzz}
# The same build as Fuzz/run.sh's.
bin=$(${SWIFT:-swift} build --package-path Fuzz --scratch-path "$scratch" -c release \
      --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address --show-bin-path)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} SWIFT_BACKTRACE=enable=no

replay() { # target file
  local out
  out=$("$bin/fuzz-$1" -runs=1 -rss_limit_mb=2048 -timeout=60 "$2" 2>&1)
  local status=$?
  if [ $status -eq 0 ]; then
    printf '%-18s %-60s ok\n' "$1" "$(basename "$2")"
    return
  fi
  local what where
  what=$(grep -m1 -oE "Fatal error: .*|ERROR: AddressSanitizer: [a-z-]+|ERROR: libFuzzer: [a-z -]+|Swift runtime failure: [^*]*" <<<"$out" | head -1)
  where=$(grep -m1 -E "^ +#[0-9]+ 0x.* /.*/Sources/" <<<"$out" | grep -oE "Sources/[^ ]+" | head -1)
  printf '%-18s %-60s %s at %s\n' "$1" "$(basename "$2")" "${what:-exit $status}" "${where:-?}"
}

if [ "${1:-}" = "--inputs" ]; then
  for dir in Tests/OutreachFuzzTests/Inputs/*/; do
    for file in "$dir"*; do [ -f "$file" ] && replay "$(basename "$dir")" "$file"; done
  done
elif [ $# -ge 2 ]; then
  target=$1; shift
  for file in "$@"; do replay "$target" "$file"; done
else
  for dir in "$scratch"/artifacts/*/; do
    for file in "$dir"*; do [ -f "$file" ] && replay "$(basename "$dir")" "$file"; done
  done
fi
