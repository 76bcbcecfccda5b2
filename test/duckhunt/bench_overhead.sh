#!/usr/bin/env bash
# Demo engine overhead: 500 ducks, unpaced, same seed, 2,000 frames, run alternately as
#   plain     yams-duckhunt-noplugin (no plugin, no runtime)
#   disabled  yams-duckhunt, profiling off at run time
#   enabled   yams-duckhunt --profile (profiling on; unpaced, the collector falls behind, and frames
#             that begin while the ring lacks room record no calls: their zones are dropped cheaply
#             and counted in overflow)
# for several rounds, printing each run and the medians of wall-clock and game-thread CPU µs/frame.
# Then the cost of recording on identical frames inside one process (duckhunt_overhead_alternating).
# Then, because times on a shared 2-core VM are noisy, the instructions the game thread executes in
# the instrumented functions and in namespace yams, counted by callgrind (per_function_overhead.py).
# usage: bench_overhead.sh [build dir (default build/profile)] [rounds (default 7)]
set -euo pipefail
unset YAMS_PROFILE  # "disabled" means disabled
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build/profile}
rounds=${2:-7}
dir=$build/examples/duckhunt
scripts=$root/examples/duckhunt/scripts
args=(--ducks 500 --unpaced --seed 1 --scripts "$scripts")

# "<wall> <cpu>" µs/frame from the summary line.
figures() { "$@" | sed -n 's/.*(\([0-9.]*\) us\/frame, game thread cpu \([0-9.]*\) us\/frame).*/\1 \2/p'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# Every run executes a fresh copy of its binary: where a binary's pages sit moved the same binary's
# time by up to +-4% on this VM (docs/performance.md), so fresh copies spread that over the rounds
# instead of biasing one build for the whole run.
copies=$(mktemp -d)
trap 'rm -rf "$copies"' EXIT
fresh() {  # <binary>: path of a new copy of it
  local d
  d=$(mktemp -d -p "$copies")
  cp "$1" "$d/" && echo "$d/$(basename "$1")"
}
declare -A wall cpu ratio
for ((r = 1; r <= rounds; r++)); do
  read -r pw pc < <(figures "$(fresh "$dir/yams-duckhunt-noplugin")" "${args[@]}" --frames 2000)
  read -r dw dc < <(figures "$(fresh "$dir/yams-duckhunt")" "${args[@]}" --frames 2000)
  read -r ew ec < <(figures "$(fresh "$dir/yams-duckhunt")" "${args[@]}" --frames 2000 --profile)
  wall[plain]+="$pw " wall[disabled]+="$dw " wall[enabled]+="$ew "
  cpu[plain]+="$pc " cpu[disabled]+="$dc " cpu[enabled]+="$ec "
  ratio[disabled]+="$(awk -v a="$dc" -v b="$pc" 'BEGIN {print a / b}') "
  ratio[enabled]+="$(awk -v a="$ec" -v b="$pc" 'BEGIN {print a / b}') "
  ratio[recording]+="$(awk -v a="$ec" -v b="$dc" 'BEGIN {print a / b}') "
  printf 'round %d  wall: plain %7.1f disabled %7.1f enabled %7.1f   cpu: plain %6.1f disabled %6.1f enabled %6.1f us/frame\n' \
    "$r" "$pw" "$dw" "$ew" "$pc" "$dc" "$ec"
done
report() {  # <what> <plain> <disabled> <enabled>
  awk -v w="$1" -v p="$2" -v d="$3" -v e="$4" 'BEGIN {
    printf "%-32s plain %10.1f  disabled %10.1f (%+.2f%%)  enabled %10.1f (%+.2f%%)\n", w, p, d, (d / p - 1) * 100, e, (e / p - 1) * 100 }'
}
m() { tr ' ' '\n' <<<"$1" | grep . | median; }
report "median wall us/frame" "$(m "${wall[plain]}")" "$(m "${wall[disabled]}")" "$(m "${wall[enabled]}")"
report "median game-thread cpu us/frame" "$(m "${cpu[plain]}")" "$(m "${cpu[disabled]}")" "$(m "${cpu[enabled]}")"
# The same from each round's own ratios (a round's three runs follow each other, so slow changes of
# the machine's speed cancel out), with the middle half of the rounds' ratios as the spread.
spread() {  # <ratios>: "median% (q1%..q3%)"
  tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR] = ($1 - 1) * 100}
    END {printf "%+.2f%% (middle half %+.2f%% .. %+.2f%%)", a[int((NR + 1) / 2)], a[int(NR / 4) + 1], a[int(3 * NR / 4)]}'
}
echo "per-round cpu ratios to plain      disabled $(spread "${ratio[disabled]}")  enabled $(spread "${ratio[enabled]}")"
# Two different binaries differ by their code layout too, which moved the plugin build by -7% .. +3%
# against the plain one from one commit to the next; the same binary with and without --profile
# does not: that ratio is the cost of recording alone.
echo "per-round cpu ratio enabled / disabled (same binary)  $(spread "${ratio[recording]}")"

# The same binary with and without recording on identical frames, in one process: two engines play
# the same game in lockstep, one recording, block by block (overhead_alternating.cpp). Far less
# spread than the rounds above; the variants split the cost.
alternating=$build/test/duckhunt/duckhunt_overhead_alternating
if [[ -x $alternating ]]; then
  big=16777216  # slots: every zone of a recorded block fits
  for variant in "default ring|" "every zone recorded|--ring-slots $big" \
      "every zone recorded, collector paused|--ring-slots $big --collector-paused --frames 1000" \
      "every zone dropped (ring full)|--ring-slots 256"; do
    echo "== same process, identical frames: ${variant%%|*}"
    # shellcheck disable=SC2086  # the variant's options are words
    "$alternating" --scripts "$scripts" ${variant#*|}
  done
fi

if ! command -v valgrind >/dev/null; then exit 0; fi
# Instructions, attributed per function (the whole-program count moves by about +-1% with Lua's
# string hashing, more than the disabled target).
python3 "$root/test/duckhunt/per_function_overhead.py" "$build"
