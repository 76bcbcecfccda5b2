#!/usr/bin/env bash
# Demo engine overhead: 500 ducks, unpaced, same seed, 2,000 frames, run alternately as
#   plain     yams-duckhunt-noplugin (no plugin, no runtime)
#   disabled  yams-duckhunt, profiling off at run time
#   enabled   yams-duckhunt --profile (every zone recorded, frames assembled by the collector)
# for several rounds, printing each run and the medians of wall-clock and game-thread CPU µs/frame.
# Then, because times on a shared 2-core VM are noisy, the instructions the game thread executes per
# frame, counted by callgrind (runs of 240 and 40 frames subtracted;
# repeatable only to about ±1%: Lua seeds its string hashes with the time and addresses).
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

declare -A wall cpu
for ((r = 1; r <= rounds; r++)); do
  read -r pw pc < <(figures "$dir/yams-duckhunt-noplugin" "${args[@]}" --frames 2000)
  read -r dw dc < <(figures "$dir/yams-duckhunt" "${args[@]}" --frames 2000)
  read -r ew ec < <(figures "$dir/yams-duckhunt" "${args[@]}" --frames 2000 --profile)
  wall[plain]+="$pw " wall[disabled]+="$dw " wall[enabled]+="$ew "
  cpu[plain]+="$pc " cpu[disabled]+="$dc " cpu[enabled]+="$ec "
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

if ! command -v valgrind >/dev/null; then exit 0; fi
# valgrind 3.19 cannot read clang 19's DWARF 5: count on copies without debug info.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
game_thread_instructions() {  # <binary> <frames> [args]: instructions of the game (main) thread
  "${valgrind[@]}" --callgrind-out-file="$tmp/cg.out" "$tmp/$(basename "$1")" "${args[@]}" --frames "$2" "${@:3}" \
    >/dev/null 2>&1
  awk '/^summary:/ {print $2}' "$tmp/cg.out-01"
}
per_frame() {  # <binary> [args]: (instructions at 240 frames - at 40 frames) / 200, start-up cancelled out
  objcopy --strip-debug "$1" "$tmp/$(basename "$1")"
  local a b
  a=$(game_thread_instructions "$1" 40 "${@:2}")
  b=$(game_thread_instructions "$1" 240 "${@:2}")
  awk -v a="$a" -v b="$b" 'BEGIN {printf "%.0f", (b - a) / 200}'
}
valgrind=(valgrind --tool=callgrind --separate-threads=yes)
ip=$(per_frame "$dir/yams-duckhunt-noplugin")
id=$(per_frame "$dir/yams-duckhunt")
ie=$(per_frame "$dir/yams-duckhunt" --profile)
report "game-thread instructions/frame" "$ip" "$id" "$ie"
