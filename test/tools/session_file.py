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


def make_call(call_id, parent_id, label, start, duration, entity_id=None, line=1):
    """A call object of the frame format (docs/frame-format.md) with the given identity and times."""
    return {"id": call_id, "parent_id": parent_id, "label": label, "module": "test", "func": "f", "start": start,
            "duration": duration, "args": {}, "entity_id": entity_id, "lua_code": False, "lua_callback": False,
            "file": "test.cpp", "line": line, "thread": 1}


def write_session(path, session_id, frames):
    """Writes a closed streaming session file holding `frames` (frame objects, calls included)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"yams_session": 1, "format_version": 1, "session_id": session_id,
                            "start_time": 1000.0}) + "\n")
        for frame in frames:
            f.write(json.dumps(frame, separators=(",", ":")) + "\n")
        f.write(json.dumps({"yams_session_end": 1, "frames": len(frames)}) + "\n")


def make_frame(number, duration_ms, calls):
    return {"frame": number, "timestamp": 1000.0 + number / 60, "duration_ms": duration_ms, "calls": calls,
            "rollback": None, "overflow": 0}
