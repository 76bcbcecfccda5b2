"""`yams convert FILE --to chrome` loaded back: every call is one begin/end pair on its thread with the
right duration, args and entity id, nested inside its parent's pair however a viewer orders equal
times; every rollback is an instant event; thread names are present."""
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

# Each call is a B event (its args name it) and an E event; a viewer pairs them per thread by time,
# keeping the file's order for equal times. Pairs are rebuilt here the two ways viewers do it:
# Perfetto-like (a stable sort by ts) and speedscope's (begin and end queues, each sorted by ts; on a
# tie a begin goes first only if its name and args equal the end's). An end must match the open begin.
def pair_up(evs, speedscope):
    spans, stack = {}, []
    if speedscope:
        bs = sorted((e for e in evs if e["ph"] == "B"), key=lambda e: e["ts"])
        es = sorted((e for e in evs if e["ph"] == "E"), key=lambda e: e["ts"])
        order, i, j = [], 0, 0
        while i < len(bs) or j < len(es):
            if j == len(es) or (i < len(bs) and (bs[i]["ts"] < es[j]["ts"] or (
                    bs[i]["ts"] == es[j]["ts"] and bs[i]["name"] == es[j]["name"]
                    and bs[i].get("args") == es[j].get("args")))):
                order.append(bs[i]); i += 1
            else:
                order.append(es[j]); j += 1
    else:
        order = sorted(evs, key=lambda e: e["ts"])
    for e in order:
        if e["ph"] == "B":
            stack.append(e)
        elif not stack or stack[-1]["name"] != e["name"] or stack[-1]["args"] != e["args"]:
            failures.append(f"{'speedscope' if speedscope else 'stable'} order, thread {e['tid']}: end of "
                            f"{e['name']!r} at {e['ts']} when {stack[-1]['name'] if stack else 'nothing'!r} is open")
            return spans
        else:
            b = stack.pop()
            spans[b["args"]["call_id"]] = (b, e["ts"])
    if stack:
        failures.append(f"thread {stack[-1]['tid']}: {len(stack)} begins without an end")
    return spans

# A zero-length call is a complete event of zero duration: as a viewer does, read it as a begin and an
# end with the same name and args. Longer complete events are not allowed: viewers nest them by adding
# ts and dur in floating point.
slices = []
for e in events:
    if e["ph"] == "X":
        if e["dur"] != 0:
            failures.append(f"a complete (X) event of nonzero duration: {e}")
        slices += [dict(e, ph="B"), dict(e, ph="E")]
    elif e["ph"] in ("B", "E"):
        slices.append(e)
        if e["ph"] == "E" and "args" not in e:
            failures.append(f"an end event without its begin's args: {e}")
calls = [c for f in frames for c in f["calls"]]
for speedscope in (False, True):
    by_call = {}
    for tid in {e["tid"] for e in slices}:
        by_call.update(pair_up([e for e in slices if e["tid"] == tid], speedscope))
    if len(by_call) != len(calls):
        failures.append(f"{len(by_call)} begin/end pairs for {len(calls)} calls")

US_TOL = 1e-3  # microseconds: call times are whole nanoseconds
for f in frames:
    ids = {c["id"] for c in f["calls"]}
    for c in f["calls"]:
        if c["id"] not in by_call:
            failures.append(f"frame {f['frame']}: call {c['id']} ({c['label']}) has no events")
            continue
        e, end = by_call[c["id"]]
        if e["name"] != c["label"] or e["tid"] != c["thread"] or e["args"]["frame"] != f["frame"]:
            failures.append(f"call {c['id']}: name/thread/frame differ: {e}")
        if abs((end - e["ts"]) - c["duration"] * 1000.0) > US_TOL:
            failures.append(f"call {c['id']}: lasts {end - e['ts']} us, call lasts {c['duration']} ms")
        for k, v in c["args"].items():
            if e["args"].get(k) != v:
                failures.append(f"call {c['id']}: arg {k} is {e['args'].get(k)!r}, want {v!r}")
        if c["entity_id"] is not None and e["args"].get("entity_id") != c["entity_id"]:
            failures.append(f"call {c['id']}: entity_id missing")
        if c["parent_id"] is not None and c["parent_id"] in ids:
            p, p_end = by_call[c["parent_id"]]
            if p["tid"] == e["tid"] and not (p["ts"] <= e["ts"] and end <= p_end):
                failures.append(f"call {c['id']} [{e['ts']}, {end}] not inside parent {c['parent_id']} [{p['ts']}, {p_end}]")
        # Offsets within a frame are kept: the event starts `start` ms after its frame's root.
        roots = [r for r in f["calls"] if r["parent_id"] is None]
        if roots:
            r = by_call[roots[0]["id"]][0]
            want = r["ts"] + (c["start"] - roots[0]["start"]) * 1000.0
            if abs(e["ts"] - want) > US_TOL:
                failures.append(f"call {c['id']}: ts {e['ts']}, want {want}")

instants = [e for e in events if e["ph"] == "i" and e["name"].startswith("Rollback (")]
rollbacks = [f for f in frames if f.get("rollback")]
if sorted(e["args"]["frame"] for e in instants) != sorted(f["frame"] for f in rollbacks):
    failures.append(f"{len(instants)} rollback events for {len(rollbacks)} rollbacks")
for e in instants:
    f = next(f for f in frames if f["frame"] == e["args"]["frame"])
    if e["args"]["frames_resimulated"] != f["rollback"]["frames_resimulated"]:
        failures.append(f"rollback of frame {f['frame']}: frames_resimulated differs")
    if e["tid"] not in {c["thread"] for c in calls}:
        failures.append(f"rollback of frame {f['frame']} on thread {e['tid']}, which has no calls")
other = trace["otherData"]
want = {"frames": len(frames), "calls_not_recorded": sum(f.get("overflow", 0) for f in frames),
        "frames_lost": sum(f.get("frames_lost", 0) for f in frames),
        "frames_without_calls": sum(1 for f in frames if not f["calls"])}
if {k: other.get(k) for k in want} != want:
    failures.append(f"otherData {other}, want {want}")
named = {e["tid"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
if named != {c["thread"] for c in calls}:
    failures.append(f"thread names for {sorted(named)}, threads {sorted({c['thread'] for c in calls})}")

if failures:
    print("\n".join(failures[:30]))
    sys.exit(1)
print(f"chrome trace: {len(by_call)} calls as begin/end pairs, {len(instants)} rollbacks, {len(named)} threads: ok")
