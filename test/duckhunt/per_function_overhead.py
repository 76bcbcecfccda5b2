#!/usr/bin/env python3
"""Profiling overhead of the demo, attributed per function (a measuring script, not a test).

Counts, with callgrind, the instructions the game thread executes in 240 frames (500 ducks, seed 1,
unpaced, ASLR off) for four runs: the build without the plugin, the plugin build with profiling off,
with it on, and with it on and a ring large enough that no zone is dropped. The overhead of a plugin
run is what its instrumented functions execute beyond the same functions in the plain build, plus
everything in namespace yams (probes, recording, frame begin/end). Whole-program counts are not used: Lua seeds its string hashes with the time and
addresses, which moves them by about +-1% between identical runs, more than the effect measured.

usage: per_function_overhead.py [build dir (default build/profile)] [frames (default 240)]
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "build", "profile")
FRAMES = int(sys.argv[2]) if len(sys.argv) > 2 else 240
DEMO = os.path.join(BUILD, "examples", "duckhunt")
ARGS = ["--ducks", "500", "--unpaced", "--seed", "1", "--frames", str(FRAMES),
        "--scripts", os.path.join(ROOT, "examples", "duckhunt", "scripts")]

# The functions carrying [[yams::frame]] / [[yams::profile]] in examples/duckhunt (design section 3).
INSTRUMENTED = re.compile(
    r"duckhunt::(GameEngine::(update|do_frame_update|process_delayed_hit)"
    r"|LifecycleProvider::on_entity_update"
    r"|GameLuaAPI::(set_x|set_y|set_vx|set_vy|spawn|destroy|play_sound|schedule)"
    r"|LuaEngine::(update|execute_collision_action|execute_input_action)"
    r"|RollbackStateManager::(rollback_and_resimulate|resimulate))\(")
# A function of namespace yams (after its result type), or one whose name valgrind leaves mangled:
# the demangler gives up on reenter_function / reenter_method instances (their `auto` template
# parameter), which hold each recorded call's enter and exit.
YAMS = re.compile(r"^(\S+ )?yams::|^_ZN4yams")
LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(?:\S+?:)?(.*?)(?:\s+\[.*\])?$")


def exclusive_counts(binary, extra, tmp):
    """Exclusive instructions per function of the game (main) thread."""
    stripped = os.path.join(tmp, os.path.basename(binary))
    # valgrind 3.19 cannot read clang 19's DWARF 5: count on a copy without debug info.
    subprocess.run(["objcopy", "--strip-debug", binary, stripped], check=True)
    out = os.path.join(tmp, "cg.out")
    env = dict(os.environ)
    env.pop("YAMS_PROFILE", None)
    subprocess.run(["setarch", "-R", "valgrind", "--tool=callgrind", "--separate-threads=yes",
                    f"--callgrind-out-file={out}", stripped, *ARGS, *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    text = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", out + "-01"],
                          check=True, capture_output=True, text=True).stdout
    counts, total = {}, None
    for line in text.splitlines():
        if total is None and "PROGRAM TOTALS" in line:
            total = int(line.split()[0].replace(",", ""))
            continue
        m = LINE.match(line)
        if m:
            counts[m.group(2)] = counts.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    return counts, total


def main():
    with tempfile.TemporaryDirectory() as tmp:
        plain, plain_total = exclusive_counts(os.path.join(DEMO, "yams-duckhunt-noplugin"), [], tmp)
        runs = {
            "disabled": exclusive_counts(os.path.join(DEMO, "yams-duckhunt"), [], tmp),
            # The collector falls behind (more so under callgrind, and by a share that varies from
            # run to run), so a full ring drops part of the zones cheaply: the figure moves with it.
            "enabled": exclusive_counts(os.path.join(DEMO, "yams-duckhunt"), ["--profile"], tmp),
            # A ring as large as the run: every zone is recorded, the figure is repeatable.
            "enabled, every zone recorded": exclusive_counts(
                os.path.join(DEMO, "yams-duckhunt"), ["--profile", "--ring-slots", str(1 << 23)], tmp),
        }
    base = sum(n for f, n in plain.items() if INSTRUMENTED.search(f) and not YAMS.search(f))
    print(f"{FRAMES} frames, game thread, plain build: {plain_total:,} instructions "
          f"({plain_total / FRAMES:,.0f} a frame); instrumented functions {base:,}")
    for name, (counts, total) in runs.items():
        # yams:: first: a reentry probe's reenter_method<&site, &duckhunt::...> names its function.
        yams = sum(n for f, n in counts.items() if YAMS.search(f))
        funcs = sum(n for f, n in counts.items() if INSTRUMENTED.search(f) and not YAMS.search(f))
        extra = funcs - base + yams
        print(f"{name}: instrumented functions {funcs:,} ({funcs - base:+,}), yams:: {yams:,}: "
              f"{extra / FRAMES:,.0f} instructions a frame = {100 * extra / plain_total:.3f}% "
              f"(whole program {100 * (total / plain_total - 1):+.2f}%)")
        top = sorted(((n, f) for f, n in counts.items() if YAMS.search(f)), reverse=True)[:6]
        for n, f in top:
            print(f"            {n / FRAMES:12,.0f}  {f[:110]}")


if __name__ == "__main__":
    main()
