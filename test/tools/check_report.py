"""`yams report FILE --json` against figures computed here from the session file: nearest-rank
percentiles, self and total time per site, entities, rollback statistics, worst frames and their
heaviest paths, the kinds of zones frames left out; then the text report shows the same percentiles
and kinds. An optional third argument names the kinds every frame of the session left out.
  check_report.py <yams> <session> [kind,kind]"""
import json
import math
import subprocess
import sys

from session_file import children_of, close, read_session

tool, path = sys.argv[1], sys.argv[2]
info, frames = read_session(path)
assert frames, f"{path}: no frames to report on"
run = subprocess.run([tool, "report", path, "--json", "--top", "50", "--worst", "5"], capture_output=True, text=True)
assert run.returncode == 0, run.stderr
report = json.loads(run.stdout)
failures = []


def check(what, got, want):
    ok = close(got, want) if isinstance(want, float) else got == want
    if not ok:
        failures.append(f"{what}: report says {got!r}, computed {want!r}")


def percentile(sorted_values, p):
    rank = max(1, math.ceil(p * len(sorted_values) / 100))
    return sorted_values[rank - 1]


durations = sorted(f["duration_ms"] for f in frames)
t = report["frame_time_ms"]
for p in (50, 90, 99):
    check(f"p{p}", t[f"p{p}"], percentile(durations, p))
check("max", t["max"], durations[-1])
check("over budget", t["over_budget"], sum(1 for d in durations if d > 16.7))
check("frames", report["frames"], len(frames))
check("calls", report["calls"], sum(len(f["calls"]) for f in frames))
check("calls_not_recorded", report["calls_not_recorded"], sum(f.get("overflow", 0) for f in frames))
check("frames_lost", report["frames_lost"], sum(f.get("frames_lost", 0) for f in frames))
skipping = {}
for f in frames:
    for kind in f.get("skipped_kinds", []):
        skipping[kind] = skipping.get(kind, 0) + 1
check("kinds_not_recorded", report["kinds_not_recorded"], skipping)
if len(sys.argv) > 3:  # the kinds this session is known to have left out, in every frame
    check("kinds left out", sorted(report["kinds_not_recorded"]), sorted(sys.argv[3].split(",")))
    check("frames leaving them out", set(report["kinds_not_recorded"].values()), {len(frames)})

# Sites: self = duration minus direct children; total counts a call only when no ancestor is the same site.
sites, entities = {}, {}
for f in frames:
    kids = children_of(f)
    by_id = {c["id"]: c for c in f["calls"]}
    key_of = lambda c: (c["module"], c["func"], c["file"], c["line"])
    for c in f["calls"]:
        s = sites.setdefault(key_of(c), {"calls": 0, "self": 0.0, "total": 0.0})
        s["calls"] += 1
        s["self"] += max(0.0, c["duration"] - sum(k["duration"] for k in kids.get(c["id"], [])))
        ancestors, p = [], c["parent_id"]
        while p in by_id and by_id[p]["id"] != c["id"]:
            ancestors.append(by_id[p])
            p = by_id[p]["parent_id"]
        if all(key_of(a) != key_of(c) for a in ancestors):
            s["total"] += c["duration"]
        if c["entity_id"] is not None:
            e = entities.setdefault(c["entity_id"], {"calls": 0, "total": 0.0})
            e["calls"] += 1
            if all(a["entity_id"] != c["entity_id"] for a in ancestors):
                e["total"] += c["duration"]

check("number of sites", len(report["top_self"]), min(50, len(sites)))
for row in report["top_self"] + report["top_total"]:
    s = sites[(row["module"], row["func"], row["file"], row["line"])]
    check(f"calls of {row['site']}", row["calls"], s["calls"])
    check(f"self of {row['site']}", row["self_ms"], s["self"])
    check(f"total of {row['site']}", row["total_ms"], s["total"])
for name, field in (("top_self", "self"), ("top_total", "total")):
    got = [r[f"{field}_ms"] for r in report[name]]
    want = sorted((s[field] for s in sites.values()), reverse=True)[: len(got)]
    for i, (g, w) in enumerate(zip(got, want)):
        check(f"{name}[{i}]", g, w)

check("number of entities", len(report["top_entities"]), min(50, len(entities)))
for row in report["top_entities"]:
    e = entities[row["entity_id"]]
    check(f"calls of {row['entity_id']}", row["calls"], e["calls"])
    check(f"total of {row['entity_id']}", row["total_ms"], e["total"])

rollbacks = [f["rollback"] for f in frames if f.get("rollback")]
rb = report["rollback"]
check("rollbacks", rb["count"], len(rollbacks))
if rollbacks:
    check("frames resimulated", rb["frames_resimulated"]["total"], sum(r["frames_resimulated"] for r in rollbacks))
    check("max resimulated", rb["frames_resimulated"]["max"], max(r["frames_resimulated"] for r in rollbacks))
    check("mean snapshot age", rb["snapshot_age_ms"]["mean"],
          sum(r["snapshot_age_ms"] for r in rollbacks) / len(rollbacks))
    check("max snapshot age", rb["snapshot_age_ms"]["max"], max(r["snapshot_age_ms"] for r in rollbacks))

worst = sorted(frames, key=lambda f: (-f["duration_ms"], f["frame"]))[:5]
check("worst frames", [w["frame"] for w in report["worst_frames"]], [f["frame"] for f in worst])
for w, f in zip(report["worst_frames"], worst):
    kids = children_of(f)
    level = [c for c in f["calls"] if c["parent_id"] is None or c["parent_id"] not in {x["id"] for x in f["calls"]}]
    heaviest = []
    while level:
        best = level[0]
        for c in level:
            if c["duration"] > best["duration"]:
                best = c
        heaviest.append(best["label"])
        level = kids.get(best["id"], [])
    check(f"heaviest path of frame {f['frame']}", [p["label"] for p in w["path"]], heaviest)

text = subprocess.run([tool, "report", path], capture_output=True, text=True)
assert text.returncode == 0, text.stderr
for p in (50, 90, 99):
    want = f"p{p} {percentile(durations, p):.3f}"
    if want not in text.stdout:
        failures.append(f"text report lacks '{want}'")
for kind, n in skipping.items():
    if f"{kind} zones not recorded in {n} frames" not in text.stdout:
        failures.append(f"text report does not say that {kind} zones were not recorded in {n} frames")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"report of {len(frames)} frames, {len(sites)} sites, {len(entities)} entities, {len(rollbacks)} rollbacks: ok")
