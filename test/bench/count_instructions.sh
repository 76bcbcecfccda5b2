#!/usr/bin/env bash
# Instructions per zone under callgrind: runs zone_instructions for N and 2N zones of each kind and
# divides the difference by N (start-up and loop set-up cancel out). With --check, fails when an
# enabled zone exceeds 40 instructions or a disabled one 8 (the runtime issue's budget).
#   count_instructions.sh <path/to/yams_zone_instructions> [--check]
set -euo pipefail
bin=$1
check=${2:-}
n=20000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Valgrind 3.19 cannot read clang 19's DWARF 5: count on a copy without debug information.
strip_tool=$(command -v llvm-objcopy-19 || command -v objcopy)
"$strip_tool" --strip-debug "$bin" "$tmp/bin"
bin=$tmp/bin

count() {  # kind zones -> total instructions counted between START and STOP
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/out" "$bin" "$1" "$2" \
    >/dev/null 2>&1
  grep '^totals:' "$tmp/out" | awk '{print $2}'
}

status=0
for kind in floor zone args disabled; do
  a=$(count "$kind" "$n")
  b=$(count "$kind" $((2 * n)))
  per=$(( (b - a + n / 2) / n ))
  budget=""
  case $kind in
    zone) budget=40 ;;
    disabled) budget=8 ;;
  esac
  printf '%-9s %3d instructions per zone%s\n' "$kind" "$per" "${budget:+ (budget $budget)}"
  if [ -n "$budget" ] && [ "$check" = --check ] && [ "$per" -gt "$budget" ]; then status=1; fi
done
exit $status
