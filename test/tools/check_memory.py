"""`yams report` and `yams convert` read a session a frame at a time: their peak memory must not grow with
the number of frames. Runs each on a generated session of N frames and of 10 N frames (60 calls a frame,
the same frames repeated) and compares the peak RSS of the two runs: holding every frame made it grow by
50 MB (100 MB from the document form, whose text was held too); reading a frame at a time, by 8 bytes a
frame (the report's percentiles). The streaming file is read, and the document form converted from it.

usage: check_memory.py YAMS WORKDIR"""
import json
import os
import shutil
import subprocess
import sys

from session_file import make_call, make_frame

tool, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []

FRAMES = 400                   # the short session; the long one has 10 times as many
CALLS = 60                     # a root and 59 children, over 10 sites and 20 entities
ALLOWED_GROWTH_KB = 10 * 1024  # of the peak RSS, from the short session to the long one


def frame_text(number):
    calls = [make_call(1, None, "Frame", 0.0, 8.0 + number % 7)]
    for i in range(2, CALLS + 1):
        calls.append(make_call(i, 1, f"site {i % 10}", 0.1 * i, 0.05, entity_id=f"duck_{i % 20}", line=i % 10))
    return json.dumps(make_frame(number, 8.0 + number % 7, calls), separators=(",", ":"))


def write_streaming(path, frames):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"yams_session": 1, "format_version": 1, "session_id": "memory",
                            "start_time": 1000.0}) + "\n")
        for n in range(1, frames + 1):
            f.write(frame_text(n) + "\n")
        f.write(json.dumps({"yams_session_end": 1, "frames": frames}) + "\n")


# wait4's figure for a child started from Python is at least Python's own (Linux keeps the high-water mark
# across exec); GNU time, a small process, gives the tool's own when it is there.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def peak_rss_kb(args):
    """Runs the tool; returns its peak resident set size in KB."""
    env = dict(os.environ)
    # Under AddressSanitizer freed memory sits in a quarantine of up to 256 MB: keep it small.
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1"
    rss_file = os.path.join(work, "rss")
    command = [GNU_TIME, "-f", "%M", "-o", rss_file, tool, *args] if GNU_TIME else [tool, *args]
    with open(os.path.join(work, "stdout"), "wb") as out, open(os.path.join(work, "stderr"), "wb") as err:
        p = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        with open(os.path.join(work, "stderr"), encoding="utf-8", errors="replace") as err:
            failures.append(f"{args}: exit {os.waitstatus_to_exitcode(status)}: {err.read()}")
    if not GNU_TIME:
        return usage.ru_maxrss
    with open(rss_file, encoding="utf-8") as f:
        return int(f.read().split()[-1])


commands = {
    "report": lambda s: ["report", s],
    "report --json": lambda s: ["report", s, "--json"],
    "convert --to chrome": lambda s: ["convert", s, "--to", "chrome", "-o", os.path.join(work, "out.json")],
    "convert --to speedscope": lambda s: ["convert", s, "--to", "speedscope", "-o", os.path.join(work, "out.json")],
    "convert --to document": lambda s: ["convert", s, "--to", "document", "-o", os.path.join(work, "out.json")],
}
sessions = {}
for frames in (FRAMES, 10 * FRAMES):
    path = os.path.join(work, f"{frames}.jsonl")
    write_streaming(path, frames)
    doc = os.path.join(work, f"{frames}.json")
    subprocess.run([tool, "convert", path, "--to", "document", "-o", doc], check=True, capture_output=True)
    sessions[frames] = {"streaming": path, "document": doc}

for form in ("streaming", "document"):
    for name, args in commands.items():
        short = peak_rss_kb(args(sessions[FRAMES][form]))
        long = peak_rss_kb(args(sessions[10 * FRAMES][form]))
        print(f"{form:9} {name:24} peak RSS {FRAMES} frames {short / 1024:6.1f} MB, "
              f"{10 * FRAMES} frames {long / 1024:6.1f} MB")
        if long - short > ALLOWED_GROWTH_KB:
            failures.append(f"{form} {name}: peak RSS grew by {(long - short) / 1024:.1f} MB from {FRAMES} to "
                            f"{10 * FRAMES} frames (allowed {ALLOWED_GROWTH_KB / 1024:.0f} MB): it holds every frame?")

shutil.rmtree(work, ignore_errors=True)
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("memory: ok")
