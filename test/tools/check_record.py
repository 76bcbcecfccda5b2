"""`yams serve` and `yams record` end to end over real WebSockets: record a replayed session and get
every frame back unchanged; record a live game and stop with SIGINT; record a game that dies; when the
demo is given, record the live demo; and record a scripted server whose history overlaps its live
frames: every frame written exactly once, in memory that does not grow with the recording.
Each recording must be a complete, readable session file.
Usage: check_record.py YAMS MAKE_SESSION SESSION WORKDIR [YAMS_DUCKHUNT]"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import ws_server
from session_file import read_session

tool, make_session, session, work = sys.argv[1:5]
demo = sys.argv[5] if len(sys.argv) > 5 else None
os.makedirs(work, exist_ok=True)
failures = []
children = []


def fresh(name):
    """A path in the work directory with no file from an earlier run."""
    p = os.path.join(work, name)
    if os.path.lexists(p):
        os.remove(p)
    return p


def start(args):
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children.append(p)
    return p


def first_line(p, what):
    line = p.stdout.readline()
    if not line:
        raise SystemExit(f"{what} printed nothing: {p.stderr.read()}")
    return line.strip()


def wait_for_lines(path, n, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path) and open(path).read().count("\n") >= n:
            return True
        time.sleep(0.05)
    return False


def frame_numbers(path):
    return [f["frame"] for f in read_session(path)[1]]


def scripted_server(messages, before_close):
    """A WebSocket server of protocol v1 for one client, on a free port: it sends `messages` (JSON texts,
    made as they go), calls `before_close()`, then closes. Returns the port and the thread serving."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        conn, _ = listener.accept()
        listener.close()
        with conn:
            ws_server.accept(conn)
            batch = []
            for text in messages:
                batch.append(ws_server.text_frame(text))
                if len(batch) == 1000:
                    conn.sendall(b"".join(batch))
                    batch = []
            conn.sendall(b"".join(batch))
            before_close()
            conn.sendall(ws_server.close_frame(1000))
            conn.settimeout(10)
            try:  # read the client's messages up to its close, then end the connection
                while ws_server.read_frame(conn)[0] != 8:
                    pass
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


def made_frame(number, timestamp):
    return {"frame": number, "timestamp": timestamp, "duration_ms": 1.0, "calls": [], "rollback": None,
            "overflow": 0, "frames_lost": 0}


def made_frames(numbers, t0):
    """Frames `numbers`, 60 a second from the time t0."""
    return [made_frame(n, t0 + n / 60) for n in numbers]


def record_scripted(name, history, live, last):
    """Records a scripted server sending hello, a history of the frames `history`, then the frames `live`
    (an iterable) one message each, the last of them `last`. Returns the (frame, timestamp) pairs written,
    the recorder's stderr and its peak resident memory in KiB once it has written `last`."""
    out = fresh(name)
    rec = None
    started = threading.Event()  # `rec` is set
    peak = [0]

    def messages():
        yield json.dumps({"type": "hello", "protocol_version": 1, "session_id": name, "start_time": 1700000000.0,
                          "enabled": True, "history_size": len(history), "replay": False})
        yield json.dumps({"type": "history", "frames": history})
        for f in live:
            yield json.dumps({"type": "profile_frame", "data": f})

    def before_close():  # the recorder's high-water mark, read from /proc while it still runs
        tail = '"frame":%d,"timestamp":%s,' % (last["frame"], json.dumps(last["timestamp"]))
        started.wait()
        end = time.time() + 60
        while time.time() < end and rec.poll() is None:
            if os.path.exists(out):
                with open(out, "rb") as f:
                    f.seek(max(0, os.path.getsize(out) - 4096))
                    if tail.encode() in f.read():
                        break
            time.sleep(0.05)
        if rec.poll() is None:  # otherwise record_scripted reports how it ended
            with open(f"/proc/{rec.pid}/status") as f:
                peak[0] = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))

    port, thread = scripted_server(messages(), before_close)
    rec = subprocess.Popen([tool, "record", f"ws://127.0.0.1:{port}", "-o", out], stderr=subprocess.PIPE, text=True)
    children.append(rec)
    started.set()
    err = rec.stderr.read()
    rec.wait(timeout=30)
    thread.join(timeout=30)
    if rec.returncode != 0 or "server closed the connection" not in err:
        failures.append(f"{name}: exit {rec.returncode}: {err!r}")
        return [], err, peak[0]
    return [(f["frame"], f["timestamp"]) for f in read_session(out)[1]], err, peak[0]


try:
    # 1. Replay: every frame of the saved session comes back unchanged, then --frames stops the recorder.
    info, frames = read_session(session)
    server = start([tool, "serve", session, "--port", "0"])
    line = first_line(server, "yams serve")
    port = line.rsplit(":", 1)[1].strip("/")
    out = fresh("replayed.jsonl")
    r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}", "-o", out, "--frames", str(len(frames))],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        failures.append(f"replay record: exit {r.returncode}: {r.stderr}")
    else:
        rinfo, rframes = read_session(out)
        if rinfo["session_id"] != info["session_id"] or rframes != frames:
            failures.append(f"replay record: {len(rframes)} frames differ from the {len(frames)} served")
        if f"{len(frames)} frames written" not in r.stderr or "dropped by the server" not in r.stderr:
            failures.append(f"replay record: no summary line: {r.stderr!r}")
    # A time limit beyond what the timer holds (1e10 s) is no limit: --frames ends this one.
    out = fresh("long.jsonl")
    r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}", "-o", out, "--frames", str(len(frames)),
                        "--seconds", "1e10"], capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or "frame limit reached" not in r.stderr or len(read_session(out)[1]) != len(frames):
        failures.append(f"record --seconds 1e10: exit {r.returncode}: {r.stderr!r}")
    # -o a symlink: the frames go to its target, the link stays.
    target, link = fresh("link-target.jsonl"), fresh("link.jsonl")
    os.symlink(os.path.basename(target), link)
    r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}", "-o", link, "--frames", "3"],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or not os.path.islink(link) or len(read_session(target)[1]) != 3:
        failures.append(f"record -o a symlink: exit {r.returncode}: {r.stderr!r}")
    # A URL asking for the compact encoding: the recorder takes it out (and says so) and records JSON.
    out = fresh("encoding.jsonl")
    r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}/ws?encoding=compact", "-o", out, "--frames", "3"],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or "ignoring encoding=compact in the URL" not in r.stderr or \
            read_session(out)[1] != frames[:3]:
        failures.append(f"record ?encoding=compact from yams serve: exit {r.returncode}: {r.stderr!r}")
    # --seconds: the replay sends everything at once, then the time limit ends the recording.
    out = fresh("timed.jsonl")
    r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}", "-o", out, "--seconds", "0.5"],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or "time limit reached" not in r.stderr or len(read_session(out)[1]) != len(frames):
        failures.append(f"timed record: exit {r.returncode}: {r.stderr!r}")
    server.send_signal(signal.SIGINT)
    if server.wait(timeout=10) != 0:
        failures.append(f"yams serve: exit {server.returncode} after SIGINT")

    # 1b. A server with a token: refused without it (a clear error, no file), accepted with it.
    server = start([tool, "serve", session, "--port", "0", "--token", "s3cret"])
    port = first_line(server, "yams serve").rsplit(":", 1)[1].strip("/")
    out = fresh("token.jsonl")
    r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}", "-o", out, "--frames", "1"],
                       capture_output=True, text=True, timeout=30)
    want = (f"yams: record: cannot connect to ws://127.0.0.1:{port}: the server refused the connection: "
            "401 Unauthorized: this server requires a token")
    if r.returncode != 1 or not r.stderr.startswith(want) or os.path.exists(out):
        failures.append(f"record without the token: exit {r.returncode}: {r.stderr!r}")
    # The wrong path: the server's 404 and its reason.
    r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}/live", "-o", out, "--frames", "1", "--token", "s3cret"],
                       capture_output=True, text=True, timeout=30)
    want = (f"yams: record: cannot connect to ws://127.0.0.1:{port}/live: the server refused the connection: "
            "404 Not Found: WebSocket connections are accepted at /ws only\n")
    if r.returncode != 1 or r.stderr != want or os.path.exists(out):
        failures.append(f"record at the wrong path: exit {r.returncode}: {r.stderr!r}")
    r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}", "-o", out, "--frames", "1", "--token", "s3cret"],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or len(read_session(out)[1]) < 1:
        failures.append(f"record with the token: exit {r.returncode}: {r.stderr!r}")
    server.send_signal(signal.SIGINT)
    server.wait(timeout=10)

    # 2. Live game, stopped with SIGINT: a complete file with every frame received.
    game = start([make_session, "--serve", "--frames", "0"])
    url = first_line(game, "make_session").split()[1]
    out = fresh("live.jsonl")
    rec = start([tool, "record", url, "-o", out])
    if not wait_for_lines(out, 16):
        failures.append(f"live record: fewer than 15 frames in 20 s")
    rec.send_signal(signal.SIGINT)
    rec.wait(timeout=10)
    err = rec.stderr.read()
    nums = frame_numbers(out)
    if rec.returncode != 0 or "interrupted" not in err:
        failures.append(f"live record: exit {rec.returncode}: {err!r}")
    if f"{len(nums)} frames written" not in err:
        failures.append(f"live record: summary does not say {len(nums)} frames: {err!r}")
    if nums != sorted(set(nums)) or len(nums) < 15:
        failures.append(f"live record: frame numbers {nums[:5]}... not increasing")
    if not all(f["calls"] for f in read_session(out)[1]):
        failures.append("live record: a frame without calls")

    # 3. The game dies mid-recording: the recorder ends on its own and the file is complete.
    out = fresh("died.jsonl")
    rec = start([tool, "record", url, "-o", out])
    if not wait_for_lines(out, 6):
        failures.append("died record: fewer than 5 frames")
    game.kill()
    game.wait()
    try:
        rec.wait(timeout=10)
    except subprocess.TimeoutExpired:
        failures.append("died record: still running 10 s after the game died")
    err = rec.stderr.read()
    if rec.returncode != 0 or ("connection lost" not in err and "server closed" not in err):
        failures.append(f"died record: exit {rec.returncode}: {err!r}")
    text = open(out).read()
    end_line = '{"yams_session_end":1,"frames":%d}\n' % len(frame_numbers(out))
    if not text.endswith(end_line) or len(frame_numbers(out)) != text.count("\n") - 2:
        failures.append("died record: the file is not complete lines ending with its end line")

    # 4. The live demo (60 frames a second): 30 frames with its rollbacks' calls and Lua flags.
    if demo:
        game = start([demo, "--serve", "--port", "0"])
        url = first_line(game, "yams-duckhunt").split(" at ")[1].split()[0]
        port = url.rsplit(":", 1)[1].strip("/")
        out = fresh("demo-live.jsonl")
        r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}", "-o", out, "--frames", "30"],
                           capture_output=True, text=True, timeout=60)
        game.send_signal(signal.SIGINT)
        game.wait(timeout=10)
        dframes = read_session(out)[1] if r.returncode == 0 else []
        if len(dframes) != 30 or not any(c["lua_code"] for f in dframes for c in f["calls"]):
            failures.append(f"demo record: exit {r.returncode}, {len(dframes)} frames: {r.stderr!r}")
        # The panel's URL, asking for the compact encoding: the recorder still gets and writes JSON frames.
        game = start([demo, "--serve", "--port", "0"])
        port = first_line(game, "yams-duckhunt").split(" at ")[1].split()[0].rsplit(":", 1)[1].strip("/")
        out = fresh("demo-compact.jsonl")
        r = subprocess.run([tool, "record", f"ws://127.0.0.1:{port}/ws?encoding=compact", "-o", out, "--frames", "5"],
                           capture_output=True, text=True, timeout=60)
        game.send_signal(signal.SIGINT)
        game.wait(timeout=10)
        dframes = read_session(out)[1] if r.returncode == 0 else []
        if len(dframes) != 5 or "malformed" in r.stderr or "ignoring encoding=compact in the URL" not in r.stderr:
            failures.append(f"demo record ?encoding=compact: exit {r.returncode}, {len(dframes)} frames: {r.stderr!r}")

    # 5. History and live frames overlap (a server whose history snapshot also went out live): every frame
    # is written once, in the order first received, also when the history (200 frames, 150 of them sent
    # again live) is longer than the runtime's default of 60. A game's own frame numbers may start again
    # (a reloaded level): frames 1 to 10 again, with later timestamps, are new frames.
    history = made_frames(range(1, 201), 1700000001.0)
    live = made_frames(range(51, 301), 1700000001.0) + made_frames(range(1, 11), 1700000100.0)
    written, err, _ = record_scripted("overlap.jsonl", history, live, live[-1])
    want = [(f["frame"], f["timestamp"]) for f in made_frames(range(1, 301), 1700000001.0) +
            made_frames(range(1, 11), 1700000100.0)]
    if written != want:
        twice = sorted({k for k in written if written.count(k) > 1})
        failures.append(f"overlap: {len(written)} frames written, want {len(want)}; written twice: {twice[:5]}, "
                        f"lost: {[k for k in want if k not in written][:5]}")
    elif "310 frames written" not in err:
        failures.append(f"overlap: the summary does not say 310 frames: {err!r}")

    # 6. A long recording: 300,000 live frames after an overlapping history are each written once, and the
    # recorder's peak memory is that of a 20,000-frame one (remembering every frame written took about
    # 17 MB more here).
    peaks = []
    for n in (20_000, 300_000):
        history = made_frames(range(1, 61), 1700000001.0)
        live = (made_frame(i, 1700000001.0 + i / 60) for i in range(31, n + 1))
        written, _, peak = record_scripted(f"long-{n}.jsonl", history, live, made_frame(n, 1700000001.0 + n / 60))
        if len(written) != n or len(set(written)) != n or [k[0] for k in written] != list(range(1, n + 1)):
            failures.append(f"long recording of {n} frames: {len(written)} written, {len(set(written))} distinct")
        peaks.append(peak)
    print(f"long recording: peak memory {peaks[0]} KiB for 20,000 frames, {peaks[1]} KiB for 300,000")
    if peaks[1] - peaks[0] > 4 * 1024:
        failures.append("long recording: the recorder's memory grows with the frames written")
finally:
    for p in children:
        if p.poll() is None:
            p.kill()
            p.wait()

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("serve and record: ok")
