"""`yams convert FILE --to chrome` loaded back: every call is one X event on its thread with the
right duration, args and entity id, nested inside its parent's event; every rollback is an instant
event; thread names are present."""
import json
import subprocess
import sys

from session_file import close, read_session

tool, path, out = sys.argv[1:4]
info, frames = read_session(path)
run = subprocess.run([tool, "convert", path, "--to", "chrome", "-o", out], capture_output=True, text=True)
assert run.returncode == 0, run.stderr
with open(out, encoding="utf-8") as f:
    trace = json.load(f)
events = trace["traceEvents"]
failures = []

by_call = {}
for e in events:
    if e["ph"] == "X":
        cid = e["args"]["call_id"]
        if cid in by_call:
            failures.append(f"call {cid} has two events")
        by_call[cid] = e
calls = [c for f in frames for c in f["calls"]]
if len(by_call) != len(calls):
    failures.append(f"{len(by_call)} X events for {len(calls)} calls")

US_TOL = 1e-3  # microseconds
for f in frames:
    ids = {c["id"] for c in f["calls"]}
    for c in f["calls"]:
        e = by_call.get(c["id"])
        if e is None:
            failures.append(f"frame {f['frame']}: call {c['id']} ({c['label']}) has no event")
            continue
        if e["name"] != c["label"] or e["tid"] != c["thread"] or e["args"]["frame"] != f["frame"]:
            failures.append(f"call {c['id']}: name/thread/frame differ: {e}")
        if not close(e["dur"], c["duration"] * 1000.0, 1e-9):
            failures.append(f"call {c['id']}: dur {e['dur']} us, call lasts {c['duration']} ms")
        for k, v in c["args"].items():
            if e["args"].get(k) != v:
                failures.append(f"call {c['id']}: arg {k} is {e['args'].get(k)!r}, want {v!r}")
        if c["entity_id"] is not None and e["args"].get("entity_id") != c["entity_id"]:
            failures.append(f"call {c['id']}: entity_id missing")
        if c["parent_id"] is not None and c["parent_id"] in ids:
            p = by_call[c["parent_id"]]
            if p["tid"] == e["tid"] and not (
                    p["ts"] - US_TOL <= e["ts"] and e["ts"] + e["dur"] <= p["ts"] + p["dur"] + US_TOL):
                failures.append(f"call {c['id']} [{e['ts']}, +{e['dur']}] not inside parent "
                                f"{c['parent_id']} [{p['ts']}, +{p['dur']}]")
        # Offsets within a frame are kept: the event starts `start` ms after its frame's root.
        roots = [r for r in f["calls"] if r["parent_id"] is None]
        if roots:
            r = by_call[roots[0]["id"]]
            want = r["ts"] + (c["start"] - roots[0]["start"]) * 1000.0
            if abs(e["ts"] - want) > US_TOL:
                failures.append(f"call {c['id']}: ts {e['ts']}, want {want}")

# Per thread, events are disjoint or nested (what Perfetto and chrome://tracing need to draw slices),
# across frames too.
for tid in {e["tid"] for e in by_call.values()}:
    stack = []
    for e in sorted((e for e in by_call.values() if e["tid"] == tid), key=lambda e: (e["ts"], -e["dur"])):
        while stack and stack[-1] <= e["ts"] + US_TOL:
            stack.pop()
        if stack and e["ts"] + e["dur"] > stack[-1] + US_TOL:
            failures.append(f"thread {tid}: call {e['args']['call_id']} overlaps an enclosing event without nesting")
        stack.append(e["ts"] + e["dur"])

instants = [e for e in events if e["ph"] == "i" and e["name"] == "Rollback"]
rollbacks = [f for f in frames if f.get("rollback")]
if sorted(e["args"]["frame"] for e in instants) != sorted(f["frame"] for f in rollbacks):
    failures.append(f"{len(instants)} rollback events for {len(rollbacks)} rollbacks")
for e in instants:
    f = next(f for f in frames if f["frame"] == e["args"]["frame"])
    if e["args"]["frames_resimulated"] != f["rollback"]["frames_resimulated"]:
        failures.append(f"rollback of frame {f['frame']}: frames_resimulated differs")
named = {e["tid"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
if named != {c["thread"] for c in calls}:
    failures.append(f"thread names for {sorted(named)}, threads {sorted({c['thread'] for c in calls})}")

if failures:
    print("\n".join(failures[:30]))
    sys.exit(1)
print(f"chrome trace: {len(by_call)} call events, {len(instants)} rollbacks, {len(named)} threads: ok")
