"""Reads a YAMS session file (either form) independently of the C++ reader, for the tools' tests."""
import json


def read_session(path):
    """Returns (info dict, list of frame dicts)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    first = text.lstrip().split("\n", 1)[0]
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if isinstance(header, dict) and "yams_session" in header:
        objects = [json.loads(line) for line in text.split("\n")[1:] if line.strip()]
        frames = [o for o in objects if "yams_session_end" not in o]
        return header, frames
    doc = json.loads(text)
    return {"session_id": doc["session_id"], "start_time": doc["start_time"]}, doc["frames"]


def children_of(frame):
    """Maps call id -> list of child calls (pre-order: a parent precedes its children)."""
    seen, kids = set(), {}
    for c in frame["calls"]:
        if c["parent_id"] is not None and c["parent_id"] in seen:
            kids.setdefault(c["parent_id"], []).append(c)
        seen.add(c["id"])
    return kids


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))
