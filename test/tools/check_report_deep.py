"""`yams report` of a frame whose calls form one chain 100,000 deep (a runaway recursion): the text
report stays small (indentation capped, the middle of the heaviest path left out with a line saying
so), time and memory stay linear (the run gets 1 GB of address space and 60 s), and `--json` keeps
the whole path. Recursion is not counted twice: the chain's site and entity total the root's time.
Usage: check_report_deep.py YAMS WORKDIR"""
import json
import os
import resource
import subprocess
import sys

from session_file import make_call, make_frame, write_session

tool, work = sys.argv[1:3]
os.makedirs(work, exist_ok=True)
depth = 100_000
path = os.path.join(work, "deep.jsonl")
calls = [make_call(i + 1, i or None, "recurse", i * 1e-6, 50.0 - i * 1e-4, entity_id="e1") for i in range(depth)]
write_session(path, "deep", [make_frame(1, 50.0, calls), make_frame(2, 1.0, [make_call(1, None, "short", 0, 1.0, line=2)])])
failures = []


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def report(*args):
    try:
        return subprocess.run([tool, "report", path, *args], capture_output=True, timeout=60, preexec_fn=limited)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, -1, b"", b"still running after 60 s")


text = report()
out = text.stdout.decode("utf-8", "replace")
if text.returncode != 0:
    failures.append(f"text: exit {text.returncode}: {text.stderr.decode()[-300:]}")
elif len(text.stdout) > 64 * 1024:
    failures.append(f"text: {len(text.stdout)} bytes for a report of two frames")
else:
    hidden = depth - 40
    for want in (f"... {hidden} levels not shown (depth 21 to {depth - 20}; --json has them all) ...",
                 f"[depth {depth}] ", "[depth 17] ", "frame 1: 50.000 ms", "frame 2: 1.000 ms"):
        if want not in out:
            failures.append(f"text: no {want!r} in the report")
    longest = max(len(line) - len(line.lstrip(" ")) for line in out.splitlines())
    if longest > 40:
        failures.append(f"text: a line indented by {longest} spaces")

js = report("--json", "--worst", "1")
if js.returncode != 0:
    failures.append(f"json: exit {js.returncode}: {js.stderr.decode()[-300:]}")
else:
    r = json.loads(js.stdout)
    path_steps = r["worst_frames"][0]["path"]
    if len(path_steps) != depth:
        failures.append(f"json: a path of {len(path_steps)} steps, want {depth}")
    site = next(s for s in r["top_total"] if s["site"] == "recurse")
    if abs(site["total_ms"] - 50.0) > 1e-9 or site["calls"] != depth:
        failures.append(f"json: recursion counted wrong: {site}")
    entity = r["top_entities"][0]
    if abs(entity["total_ms"] - 50.0) > 1e-9 or entity["calls"] != depth:
        failures.append(f"json: entity e1 counted wrong: {entity}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"report of a {depth}-deep chain: ok")
