"""`yams record` takes a replay's history in parts (docs/protocol.md, "A history in several messages"):
real `yams serve` and `yams record` processes record a multi-part replay frame for frame, in memory that
does not grow with the session, and --seconds ends a recording only after a history's last part; scripted
servers check the URL it asks for, a server that sends one history, Ctrl-C between two parts and a
second hello. Usage: check_record_parts.py YAMS WORKDIR"""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import ws_server
from session_file import make_call

tool, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []
children = []
# ASAN: freed memory waits in a quarantine of up to 256 MB; keep it small (as check_memory.py does).
env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1")


def frame(number, t0=1000.0, calls=0):
    """A frame of the frame format with `calls` calls (a root and its children)."""
    cs = [make_call(1, None, "Frame", 0.0, 8.0)] if calls else []
    cs += [make_call(i, 1, f"site {i % 10}", 0.1 * i, 0.05, entity_id=f"duck_{i % 20}", line=i % 10)
           for i in range(2, calls + 1)]
    return {"frame": number, "timestamp": t0 + number / 60, "duration_ms": 8.0 + number % 7, "calls": cs,
            "rollback": None, "overflow": 0, "frames_lost": 0}


def write_session(path, frames):
    """A closed streaming session of `frames` frames of 60 calls (about 12.6 KB each); returns its size."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"yams_session": 1, "format_version": 1, "session_id": "parts",
                            "start_time": 1000.0}) + "\n")
        for n in range(1, frames + 1):
            f.write(json.dumps(frame(n, calls=60), separators=(",", ":")) + "\n")
        f.write(json.dumps({"yams_session_end": 1, "frames": frames}) + "\n")
    return os.path.getsize(path)


def read_frames(path):
    """The frames of a streaming file that ends with its end line (None if it does not)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    end = json.loads(lines[-2]) if len(lines) > 2 else {}
    frames = [json.loads(line) for line in lines[1:-2]]
    return frames if end.get("yams_session_end") == 1 and end.get("frames") == len(frames) else None


# wait4's figure for a child started from Python is at least Python's own (Linux keeps the high-water mark
# across exec); GNU time, a small process, gives the tool's own when it is there.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def record(args):
    """Runs `yams record ARGS`; returns (exit status, stderr, peak RSS in KiB)."""
    rss = os.path.join(work, "rss")
    command = [GNU_TIME, "-f", "%M", "-o", rss, tool, "record", *args] if GNU_TIME else [tool, "record", *args]
    with open(os.path.join(work, "stderr"), "w+", encoding="utf-8") as err:
        p = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        err.seek(0)
        text = err.read()
    if not GNU_TIME:
        return os.waitstatus_to_exitcode(status), text, usage.ru_maxrss
    with open(rss, encoding="utf-8") as f:
        return os.waitstatus_to_exitcode(status), text, int(f.read().split()[-1])


# --- Scripted servers: a WebSocket server of protocol v1 for one client, played by `play(ws)`. ---

class scripted_ws:
    def __init__(self, conn):
        self.conn = conn
        self.target = ws_server.accept(conn)

    def send(self, message):
        self.conn.sendall(ws_server.text_frame(json.dumps(message, separators=(",", ":"))))

    def read(self):
        """The client's next message: (opcode, text)."""
        opcode, payload = ws_server.read_frame(self.conn)
        return opcode, payload.decode(errors="replace")

    def answer_until_close(self):
        """Answers get_status as a replay does, up to the client's close; returns the commands received."""
        commands = []
        while True:
            opcode, text = self.read()
            if opcode == 8:
                self.conn.sendall(ws_server.close_frame(1000))
                return commands
            commands.append(text)
            if "get_status" in text:
                self.send({"type": "status", "enabled": False, "dropped": 0})


def hello(session_id, history_size):
    return {"type": "hello", "protocol_version": 1, "session_id": session_id, "start_time": 1000.0,
            "enabled": False, "history_size": history_size, "replay": True}


def history(frames, more=False):
    return {"type": "history", "frames": frames, **({"more": True} if more else {})}


def record_scripted(name, args, play):
    """Records from a scripted server; `play(ws, rec)` plays it (`rec` the recorder's process, whose stderr
    lines arrive in rec.lines). Returns (exit status, stderr, the frames written or None, what play returned)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    out = os.path.join(work, name)
    rec = subprocess.Popen([tool, "record", f"ws://127.0.0.1:{port}" + args[0], "-o", out, *args[1:]],
                           stderr=subprocess.PIPE, text=True, env=env)
    children.append(rec)
    rec.lines = []
    reader = threading.Thread(target=lambda: rec.lines.extend(iter(rec.stderr.readline, "")), daemon=True)
    reader.start()
    listener.settimeout(30)
    conn, _ = listener.accept()
    listener.close()
    result = None
    with conn:
        conn.settimeout(30)
        try:
            result = play(scripted_ws(conn), rec, out)
        except OSError as e:
            failures.append(f"{name}: the scripted server: {e}")
    try:
        rec.wait(timeout=30)
    except subprocess.TimeoutExpired:
        failures.append(f"{name}: the recorder still runs 30 s after the server ended")
        rec.kill()
        rec.wait()
    reader.join(timeout=10)
    err = "".join(rec.lines)
    return rec.returncode, err, read_frames(out) if os.path.exists(out) else None, result


def wait_until(condition, what):
    end = time.time() + 30
    while time.time() < end:
        if condition():
            return True
        time.sleep(0.02)
    failures.append(f"waited 30 s for {what}")
    return False


def count(frames):
    return "no end line: None" if frames is None else len(frames)


def lines_in(path):
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def client_spoke(ws, rec, words):
    """Whether the recorder printed `words` or sent a message (a recorder that stopped asks for a status)."""
    return any(words in line for line in rec.lines) or bool(select.select([ws.conn], [], [], 0)[0])


def seconds_during_parts(ws, rec, out):
    ws.send(hello("parts", 30))
    ws.send(history([frame(n) for n in range(1, 11)], more=True))
    wait_until(lambda: client_spoke(ws, rec, "time limit reached"), "the recorder's time limit")
    ws.send(history([frame(n) for n in range(11, 21)], more=True))
    ws.send(history([frame(n) for n in range(21, 31)]))
    return ws.target, ws.answer_until_close()


def one_history(ws, rec, out):
    ws.send(hello("whole", 20))
    ws.send(history([frame(n) for n in range(1, 21)]))
    return ws.answer_until_close()


def interrupted_between_parts(ws, rec, out):
    ws.send(hello("parts", 30))
    ws.send(history([frame(n) for n in range(1, 11)], more=True))
    if wait_until(lambda: lines_in(out) >= 11, "the first part's 10 frames in the file"):
        rec.send_signal(signal.SIGINT)
    return ws.answer_until_close()


def stalled_between_parts(ws, rec, out):
    ws.send(hello("parts", 30))
    ws.send(history([frame(n) for n in range(1, 11)], more=True))
    return ws.answer_until_close()  # and nothing more: the recorder gives up waiting


def second_hello(ws, rec, out):
    ws.send(hello("first", 10))
    ws.send(history([frame(n) for n in range(1, 11)]))
    wait_until(lambda: lines_in(out) >= 11, "the first history's 10 frames in the file")
    ws.send(hello("second", 5))
    ws.send(history([frame(n, t0=2000.0) for n in range(1, 6)]))
    return ws.answer_until_close()


def tricky_frame():
    """Frame 4: a label holding brackets and a quote, an escaped arg name, args not in the order of their names."""
    f = frame(4, calls=2)
    f["calls"][1]["label"] = 'a"]}{'
    f["calls"][1]["args"] = {"z": 1, "k\u00e9": "v\\"}
    return f


def texts_as_written(ws, rec, out):
    """Messages written as any JSON writer may: spaces, escaped keys, a repeated key, frames among other values."""
    def raw(text):
        ws.conn.sendall(ws_server.text_frame(text))
    f = json.dumps  # with spaces after ',' and ':'
    ws.send(hello("texts", 4))
    raw(' { "frames" : [ %s , 5, {"frame": "x"}, %s ] , "typ\\u0065" : "history", "more": true } ' %
        (f(frame(1)), f(frame(2))))
    raw('{"type":"history","frames":[%s],"more":tru}' % f(frame(90)))  # not JSON: none of it is written
    raw('{"type":"history","frames":[%s,%s]}' % (f(frame(3)), f(tricky_frame())))
    raw('{"type":"profile_frame","data":{"frame":91,"calls":[{"id":1,"label":"a","module":"m","func":"f",'
        '"args":{"b":[1],"a":{}}}]}}')
    raw('{"type":"profile_frame","data":%s,"data":%s}' % (f(frame(92)), f(frame(5))))  # the last one counts
    return ws.answer_until_close()


def serve(path):
    server = subprocess.Popen([tool, "serve", path, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    children.append(server)
    line = server.stdout.readline()
    if not line:
        raise SystemExit(f"yams serve {path} printed nothing: {server.stderr.read()}")
    return server, line.strip().rsplit(":", 1)[1].strip("/")


def stop(server):
    server.send_signal(signal.SIGINT)
    server.wait(timeout=10)


try:
    # 1. The URL keeps the user's query but asks for parts; --seconds passing between two parts ends the
    # recording after the last one (the server waits for the recorder to say its time is up).
    rc, err, frames, (target, _) = record_scripted(
        "seconds.jsonl", ["/ws?token=abc&history=whole&encoding=compact", "--seconds", "0.2"], seconds_during_parts)
    if target != "/ws?token=abc&history=parts" or "ignoring history=whole in the URL" not in err:
        failures.append(f"URL: the recorder asked for {target!r}: {err!r}")
    if rc != 0 or "time limit reached" not in err or frames != [frame(n) for n in range(1, 31)]:
        failures.append(f"--seconds between parts: exit {rc}, "
                        f"{count(frames)} frames of 30: {err!r}")

    # 2. A server from before history=parts: one history, no `more`; --seconds ends the recording after it.
    rc, err, frames, _ = record_scripted("whole.jsonl", ["", "--seconds", "0.2"], one_history)
    if rc != 0 or "time limit reached" not in err or frames != [frame(n) for n in range(1, 21)] or \
            "before the end" in err:
        failures.append(f"one history: exit {rc}, {count(frames)} frames of 20: {err!r}")

    # 3. Ctrl-C between two parts: the frames received so far, the end line, and stderr saying so.
    rc, err, frames, _ = record_scripted("interrupted.jsonl", [""], interrupted_between_parts)
    if rc != 0 or "interrupted; 10 frames written" not in err or frames != [frame(n) for n in range(1, 11)] or \
            "the recording ended before the end of the server's history of 30 frames" not in err:
        failures.append(f"Ctrl-C between parts: exit {rc}, {count(frames)} frames of 10: {err!r}")

    # 3b. --seconds has passed and the rest of the history never comes: the recorder does not wait forever.
    rc, err, frames, _ = record_scripted("stalled.jsonl", ["", "--seconds", "0.2"], stalled_between_parts)
    if rc != 0 or "the server sent nothing for 10 s while its history was due" not in err or \
            frames != [frame(n) for n in range(1, 11)]:
        failures.append(f"stalled history: exit {rc}, {count(frames)} frames of 10: {err!r}")

    # 4. A second hello on the connection ends the recording; the other session's frames are not written.
    rc, err, frames, _ = record_scripted("second-hello.jsonl", [""], second_hello)
    if rc != 0 or "the server sent a second hello (session second)" not in err or \
            frames != [frame(n) for n in range(1, 11)]:
        failures.append(f"second hello: exit {rc}, {count(frames)} frames of 10: {err!r}")

    # 4b. Messages read as a JSON parser reads them, each frame parsed from its own text: a malformed message
    # ignored whole, a malformed frame named (its first bad arg in the order sent) and skipped, the others
    # written, each call's args in the order the server sent them (their capture order).
    rc, err, frames, _ = record_scripted("texts.jsonl", ["", "--frames", "5"], texts_as_written)
    want = [frame(1), frame(2), frame(3), tricky_frame(), frame(5)]
    expected_lines = ["skipping a malformed frame: frame: expected a non-negative integer",
                      "ignoring a message that is not a JSON object",
                      "skipping a malformed frame: calls[0].args.b: expected a number, string, bool or null"]
    with open(os.path.join(work, "texts.jsonl"), encoding="utf-8") as written:
        args_as_sent = '"args":{"z":1,"k\u00e9":"v\\\\"}' in written.read()
    if rc != 0 or frames != want or not args_as_sent or any(line not in err for line in expected_lines) or \
            err.count("malformed") != 2 or err.count("not a JSON object") != 1:
        failures.append(f"messages as written: exit {rc}, {count(frames)} frames of 5 "
                        f"({'equal' if frames == want else 'not equal'}, "
                        f"args in the order sent: {args_as_sent}): {err!r}")

    # 5. Real replays of 130 KB, about 8 MB and 48 MB (1, 2 and 12 parts): every frame back unchanged, and
    # the peak memory grows by far less than the session (holding the history whole took ten times the
    # session), and by less than three parts of 4 MiB over the one-part replay's (a part's nlohmann tree,
    # built before each frame was parsed from its own text, took some 35 MB).
    peaks, sizes = [], []
    for n in (10, 640, 3800):
        path = os.path.join(work, f"session-{n}.jsonl")
        sizes.append(write_session(path, n))
        server, port = serve(path)
        out = os.path.join(work, f"replayed-{n}.jsonl")
        rc, err, peak = record([f"ws://127.0.0.1:{port}", "-o", out, "--frames", str(n)])
        peaks.append(peak)
        want = [frame(i, calls=60) for i in range(1, n + 1)]
        got = read_frames(out) if rc == 0 else None
        if got != want:
            failures.append(f"replay of {n} frames: exit {rc}, {count(got)} frames, "
                            f"{'equal' if got == want else 'not equal'}: {err!r}")
        if n == 3800:
            # 6. --seconds shorter than the history takes (up to the hello, or to some part): still every
            # frame, never a part of the history.
            for seconds in ("0.01", "0.3"):
                out = os.path.join(work, "replayed-timed.jsonl")
                rc, err, _ = record([f"ws://127.0.0.1:{port}", "-o", out, "--seconds", seconds])
                got = read_frames(out) if rc == 0 else None
                if rc != 0 or "time limit reached" not in err or got != want:
                    failures.append(f"replay --seconds {seconds}: exit {rc}, "
                                    f"{count(got)} frames of {n}: {err!r}")
                print(f"replay --seconds {seconds}:", err.strip().replace("\n", " | "))
        stop(server)
    print("record peak RSS: " + ", ".join(f"{peak / 1024:.1f} MB for a {size / 1e6:.1f} MB replay"
                                           for peak, size in zip(peaks, sizes)))
    grown, allowed = peaks[2] - peaks[1], (sizes[2] - sizes[1]) // 1024 // 4
    if grown > allowed:
        failures.append(f"record's peak RSS grew by {grown / 1024:.1f} MB from the 8 MB replay to the 48 MB one "
                        f"(allowed: a quarter of the {(sizes[2] - sizes[1]) / 1e6:.1f} MB more session)")
    grown, allowed = peaks[2] - peaks[0], 3 * 4 * 1024
    if grown > allowed:
        failures.append(f"record's peak RSS grew by {grown / 1024:.1f} MB from a one-part replay to one of 12 "
                        f"parts (allowed: three parts, 12 MiB)")
finally:
    for p in children:
        if p.poll() is None:
            p.kill()
            p.wait()

shutil.rmtree(work, ignore_errors=True)
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("record history parts: ok")
