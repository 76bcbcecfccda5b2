"""`yams serve FILE` indexes the file and reads each part of the history from it again when a client asks,
checked over real WebSockets (ws_client.py) against the real server:
1. memory: replaying a 16 MB and a 64 MB session to a client reading the whole history peaks at about the
   same resident memory, below the larger file's size (holding the session made it grow with the file);
2. messages: a regular file (indexed) and the same file through a FIFO (read whole into memory, as every
   file was before) give byte for byte the same messages, json and compact, in parts and whole, on connect
   and for get_history, for both file forms; and their frames are the file's;
3. a file changed or cut short after it was indexed: the client gets an `error` naming the file and the
   frame (unless its history was one message already begun) and a close with code 1011, stderr says so,
   and the server keeps serving (/api/info; the whole session again once the file is put back).
usage: check_serve.py YAMS WORKDIR"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading

from session_file import make_call, make_frame
from ws_client import Closed, WsClient

tool, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []
children = []
ARG = "x" * 1000  # a 1 KB argument on each of 100 calls: about 110 KB a frame


def frame_line(number):
    calls = [make_call(1, None, "Frame", 0.0, 16.5)]
    for i in range(2, 101):
        call = make_call(i, 1, "Call", 0.1 * i, 0.05, line=i)
        call["args"] = {"text": ARG, "i": i}
        calls.append(call)
    return json.dumps(make_frame(number, 16.5, calls), separators=(",", ":"))


def write_session(path, megabytes):
    """A closed streaming session of about `megabytes` MB; returns its frame count."""
    frames = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"yams_session": 1, "format_version": 1, "session_id": "serve-test",
                            "start_time": 1000.0}) + "\n")
        while f.tell() < megabytes * 1000 * 1000:
            frames += 1
            f.write(frame_line(frames) + "\n")
        f.write(json.dumps({"yams_session_end": 1, "frames": frames}) + "\n")
    return frames


def serve(path, stdin_file=None):
    """Starts `yams serve path` (cwd: the work directory); returns the process and its port."""
    p = subprocess.Popen([tool, "serve", path, "--port", "0"], cwd=work, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    children.append(p)
    if stdin_file:  # a FIFO: written while the server reads it
        def feed():
            with open(stdin_file, "rb") as src, open(os.path.join(work, path), "wb") as fifo:
                shutil.copyfileobj(src, fifo)
        threading.Thread(target=feed, daemon=True).start()
    line = p.stdout.readline().strip()
    if " at http://" not in line:
        raise SystemExit(f"yams serve {path} printed {line!r}: {p.stderr.read()}")
    return p, int(line.rsplit(":", 1)[1].strip("/"))


def stop(p):
    """Stops a server with SIGINT; returns its stderr."""
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    if p.returncode != 0:
        failures.append(f"yams serve: exit {p.returncode} after SIGINT: {err}")
    return err


def peak_kb(p):
    with open(f"/proc/{p.pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))


def http_status(port, target):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        return int(s.recv(4096).split(b" ", 2)[1])


def conversation(port, encoding, parts):
    """Every message of a client that connects, asks for the history again and for the status."""
    c = WsClient(port, f"/ws?encoding={encoding}" + ("&history=parts" if parts else ""))
    texts = [c.read()] + c.read_history()
    c.send('{"command":"get_history"}')
    texts += c.read_history()
    c.send('{"command":"get_status"}')
    texts.append(c.read())
    c.close()
    return texts


def history_frames(texts):
    """The numbers of the frames in `texts`, history messages."""
    return [f["frame"] for t in texts for f in json.loads(t)["frames"]]


try:
    # 1. Memory: no more for a session four times as long.
    peaks = {}
    for mb in (16, 64):
        path = os.path.join(work, f"{mb}mb.jsonl")
        write_session(path, mb)
        p, port = serve(path)
        c = WsClient(port, "/ws?history=parts&encoding=compact")
        hello = json.loads(c.read())
        received = len(history_frames(c.read_history()))
        c.close()
        peaks[mb] = peak_kb(p)
        stop(p)
        if received != hello["history_size"]:
            failures.append(f"{mb} MB: {received} frames received of {hello['history_size']}")
        size_kb = os.path.getsize(path) / 1024
        print(f"serve {mb} MB ({size_kb / 1024:.0f} MiB): peak RSS {peaks[mb] / 1024:.1f} MiB")
        if mb == 64 and peaks[mb] > size_kb / 2:
            failures.append(f"serving {size_kb / 1024:.0f} MiB took {peaks[mb] / 1024:.1f} MiB at its peak "
                            "(allowed: half the file): it holds the session?")
        os.remove(path)
    if peaks[64] - peaks[16] > 10 * 1024:
        failures.append(f"the peak RSS grew by {(peaks[64] - peaks[16]) / 1024:.1f} MiB from 16 MB to 64 MB "
                        "(allowed 10 MiB): it holds the session?")

    # 2. The same messages from the file indexed and from the file kept in memory, in both forms.
    small = os.path.join(work, "small.jsonl")
    frames = write_session(small, 16)  # four parts in JSON: the first is not among the newest three kept
    document = os.path.join(work, "small.json")
    subprocess.run([tool, "convert", small, "--to", "document", "-o", document], check=True, capture_output=True)
    os.makedirs(os.path.join(work, "fifo"))
    want_frames = list(range(1, frames + 1))
    for name in ("small.jsonl", "small.json"):
        fifo = os.path.join("fifo", name)
        os.mkfifo(os.path.join(work, fifo))
        indexed, port = serve(name)
        in_memory, memory_port = serve(fifo, stdin_file=os.path.join(work, name))
        for encoding in ("json", "compact"):
            for parts in (True, False):
                got, want = conversation(port, encoding, parts), conversation(memory_port, encoding, parts)
                what = f"{name} {encoding} {'parts' if parts else 'whole'}"
                if got != want:
                    failures.append(f"{what}: {len(got)} messages differ from the {len(want)} of the file in memory")
                if parts and encoding == "json" and len(got) < 2 + 3 + 3:
                    failures.append(f"{what}: {len(got)} messages, expected histories of three parts or more")
                if encoding == "json" and history_frames(got[1:-1]) != want_frames * 2:
                    failures.append(f"{what}: the histories' frames are not the file's frames 1 to {frames}, twice")
        stop(indexed)
        stop(in_memory)

    # 3. Changed or cut short after indexing: an error naming the file and the frame, the server serving on.
    original = open(small, "rb").read()
    lines = original.split(b"\n")
    p, port = serve("small.jsonl")
    # Frame 60 (in the second part) changed in place, with its length kept.
    with open(small, "r+b") as f:
        f.seek(len(b"\n".join(lines[:60])) + 1)
        f.write(lines[60].replace(b'"duration_ms":16.5', b'"duration_ms":17.5', 1))
    c = WsClient(port, "/ws?history=parts")
    got = [c.read(), c.read()]  # hello, the first part
    try:
        got.append(c.read())
        closed = None
    except Closed as e:
        closed = e
    try:
        c.read()
    except Closed as e:
        closed = closed or e
    error = json.loads(got[-1]) if len(got) == 3 else {}
    if not json.loads(got[1]).get("more") or error.get("type") != "error" or \
            not error["message"].startswith("small.jsonl: frame 60 (bytes ") or \
            "changed in the file after it was indexed" not in error["message"]:
        failures.append(f"frame 60 changed, in parts: got {[t[:100] for t in got]}")
    if not closed or closed.code != 1011 or "small.jsonl: frame 60 " not in closed.reason:
        failures.append(f"frame 60 changed, in parts: closed {closed}")
    whole = WsClient(port, "/ws")
    whole.read()  # hello; then the history's first fragment, and the close frame in the middle of it
    try:
        whole.read()
        failures.append("frame 60 changed, whole: the history arrived")
    except Closed as e:
        if e.code != 1011 or not e.reason.startswith("small.jsonl: frame 60 (bytes "):
            failures.append(f"frame 60 changed, whole: closed {e.code} {e.reason!r}")
    if http_status(port, "/api/info") != 200:
        failures.append("the server does not answer /api/info after a changed file")
    # Put back: the whole session again.
    with open(small, "wb") as f:
        f.write(original)
    if history_frames(conversation(port, "json", True)[1:-1]) != want_frames * 2:
        failures.append("the file put back: its frames do not come back")
    # Cut short in frame 10 (the first part).
    with open(small, "r+b") as f:
        f.truncate(len(b"\n".join(lines[:10])) + 100)
    for target in ("/ws?history=parts", "/ws"):
        c = WsClient(port, target)
        hello, error = c.read(), json.loads(c.read())
        try:
            c.read()
            failures.append(f"cut short, {target}: a message after the error")
        except Closed as e:
            closed = e
        if error.get("type") != "error" or not error["message"].startswith("small.jsonl: frame 10 (bytes ") or \
                "no longer in the file, which was cut short after it was indexed" not in error["message"] or \
                closed.code != 1011:
            failures.append(f"cut short, {target}: got {json.dumps(error)[:200]}, closed {closed}")
    err = stop(p)
    for what in ("frame 60 (bytes", "frame 10 (bytes"):
        if f"yams server: cannot send the replayed session: small.jsonl: {what}" not in err:
            failures.append(f"stderr does not name {what}: {err!r}")
except (OSError, Closed, ValueError, KeyError, subprocess.TimeoutExpired) as e:
    failures.append(f"stopped by {e!r}")
finally:
    for p in children:
        if p.poll() is None:
            p.kill()
            p.wait()

shutil.rmtree(work, ignore_errors=True)
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("serve: ok")
