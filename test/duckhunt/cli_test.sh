#!/usr/bin/env bash
# The two duckhunt executables from the command line: the instrumented and the plain build play the
# same game (same final-state hash), the plain one contains no probes, and mistakes give the
# documented messages and exit codes (docs/duckhunt.md).
# usage: cli_test.sh <yams-duckhunt> <yams-duckhunt-noplugin> <nm> <scripts dir> <1 if built with the plugin>
set -uo pipefail
plugin=$1 plain=$2 nm=$3 scripts=$4 with_plugin=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect <name> <exit code> <text expected in stdout+stderr> -- command...
expect() {
  local name=$1 code=$2 text=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  [ "$rc" = "$code" ] || fail "$name: exit code $rc, expected $code; output: $out"
  grep -qF -- "$text" <<<"$out" || fail "$name: output lacks '$text'; output: $out"
}

# Same seed, same game, with and without the plugin (profiling enabled in the instrumented one).
h1=$("$plugin" --frames 600 --unpaced --ducks 60 --seed 3 --hash --profile | grep '^hash: ')
h2=$("$plain" --frames 600 --unpaced --ducks 60 --seed 3 --hash | grep '^hash: ')
h3=$("$plain" --frames 600 --unpaced --ducks 60 --seed 4 --hash | grep '^hash: ')
[ -n "$h1" ] && [ "$h1" = "$h2" ] || fail "hashes differ: plugin '$h1', plain '$h2'"
[ "$h2" != "$h3" ] || fail "seeds 3 and 4 gave the same hash $h2"

# No probe at all in the plain build: no YAMS symbol (defined or referenced; the game's own functions
# may name yams::script_source in their parameters), no site label.
n=$("$nm" -C "$plain" | grep -cE ' [A-Za-z] yams::')
[ "$n" = 0 ] || fail "yams-duckhunt-noplugin has $n yams:: symbols"
m=$("$nm" -C "$plugin" | grep -cE ' [A-Za-z] yams::')
[ "$m" -gt 0 ] || fail "the check finds no yams:: symbol in the instrumented build either"
if grep -qaF 'Lua Entity Updates' "$plain"; then fail "yams-duckhunt-noplugin contains a zone label"; fi
if [ "$with_plugin" = 1 ] && ! grep -qaF 'Lua Entity Updates' "$plugin"; then
  fail "yams-duckhunt has no zone label although built with the plugin"
fi

expect help 0 "usage: yams-duckhunt [options]" -- "$plugin" --help
expect bad-number 2 "yams-duckhunt: --ducks: expected a whole number from 1 to 100000, got 'many'" -- \
  "$plugin" --ducks many
expect unknown-option 2 "yams-duckhunt-noplugin: unknown option '--fps'" -- "$plain" --fps 30
expect port-alone 2 "yams-duckhunt: --port: only meaningful with --serve" -- "$plugin" --port 9000
expect latency 2 "--latency-ms: expected a whole number from 0 to 1900, got '2500'" -- "$plugin" --latency-ms 2500
expect plain-record 2 "yams-duckhunt-noplugin: --serve, --record, --profile, --ring-slots and --skip-zones need the instrumented build" -- \
  "$plain" --record "$tmp/x.jsonl" --frames 1
expect missing-scripts 1 "yams-duckhunt: error: scripts directory '$tmp/none' not found (use --scripts DIR)" -- \
  "$plugin" --scripts "$tmp/none" --frames 1
expect bad-record-path 1 "yams-duckhunt: error: " -- "$plugin" --record "$tmp/no/such/dir/x.jsonl" --frames 1

# A script error at load time: file and line, exit 1.
cp -r "$scripts" "$tmp/syntax"
sed -i 's/^game.round_seconds = 30/game.round_seconds = = 30/' "$tmp/syntax/game.lua"
line=$(grep -n '= = 30' "$tmp/syntax/game.lua" | cut -d: -f1)
expect lua-syntax 1 "yams-duckhunt: error: $tmp/syntax/game.lua:$line: unexpected symbol near '='" -- \
  "$plugin" --scripts "$tmp/syntax" --frames 1

# A failing behaviour: reported once with file and line, the game plays on to the end.
cp -r "$scripts" "$tmp/failing"
sed -i 's/^function duck.on_update(id, dt)$/&\n  if id == "duck_2" then local n = nil; n = n + 1 end/' "$tmp/failing/behaviours/duck.lua"
line=$(grep -n 'n = n + 1' "$tmp/failing/behaviours/duck.lua" | cut -d: -f1)
out=$("$plain" --scripts "$tmp/failing" --frames 120 --unpaced 2>&1)
rc=$?
[ "$rc" = 0 ] || fail "failing behaviour: exit code $rc; output: $out"
grep -qF "120 frames in" <<<"$out" || fail "failing behaviour: the game did not run 120 frames; output: $out"
want="duckhunt: script error in on_update(duck_2) at frame 0: $tmp/failing/behaviours/duck.lua:$line: attempt to perform arithmetic on a nil value (local 'n')"
[ "$(grep -cF "$want" <<<"$out")" = 1 ] || fail "failing behaviour: expected exactly one '$want'; output: $out"
[ "$(grep -c 'script error in' <<<"$out")" = 1 ] || fail "failing behaviour: reported more than once; output: $out"

# A round that cannot start: one clear error, exit 1, no rounds counted (the recording closed first).
cp -r "$scripts" "$tmp/no_round"
sed -i 's/^function game.on_round_start(round, ducks)$/&\n  error("start fails")/' "$tmp/no_round/game.lua"
line=$(grep -n 'error("start fails")' "$tmp/no_round/game.lua" | cut -d: -f1)
expect round-start 1 \
  "yams-duckhunt-noplugin: error: script error in on_round_start(1): $tmp/no_round/game.lua:$line: start fails (the game cannot go on without its round)" -- \
  "$plain" --scripts "$tmp/no_round" --frames 180 --unpaced
out=$("$plain" --scripts "$tmp/no_round" --frames 180 --unpaced 2>&1)
[ "$(wc -l <<<"$out")" = 1 ] || fail "round-start: more than the one error line; output: $out"
sed -i 's/^  error("start fails")$/  if round == 2 then error("start fails") end/; s/^game.round_seconds = 30$/game.round_seconds = 0.5/' \
  "$tmp/no_round/game.lua"
out=$("$plain" --scripts "$tmp/no_round" --frames 180 --unpaced --hash 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "round 2 fails to start: exit code $rc; output: $out"
grep -qF "error: script error in on_round_start(2): " <<<"$out" || fail "round 2 fails to start: no error; output: $out"
grep -qF "rounds won 0, lost 1;" <<<"$out" || fail "round 2 fails to start: rounds counted wrong; output: $out"
if grep -q '^hash: ' <<<"$out"; then fail "round 2 fails to start: a hash printed for a game that stopped; output: $out"; fi

# A recording that fails (files limited to 100 KB, SIGXFSZ ignored, so writes fail with EFBIG): the
# game plays on, then exits 1 saying what failed and how much the file holds.
if [ "$with_plugin" = 1 ]; then
  out=$(bash -c 'trap "" XFSZ; ulimit -f 100; exec "$@"' _ "$plugin" --record "$tmp/limited.jsonl" --frames 600 --unpaced 2>&1)
  rc=$?
  [ "$rc" = 1 ] || fail "failed recording: exit code $rc, expected 1; output: $out"
  grep -qE "^yams-duckhunt: error: recording failed: $tmp/limited.jsonl: cannot write: File too large; the file holds [0-9]+ complete frames and no end line$" <<<"$out" ||
    fail "failed recording: no error naming the file; output: $out"
  grep -qF "600 frames in" <<<"$out" || fail "failed recording: the game did not play on; output: $out"
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all duckhunt command-line checks passed"
