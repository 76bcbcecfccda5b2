"""`yams convert -o OUT` never destroys what OUT names: a symlink keeps pointing at its target, which
gets the output; a FIFO and /dev/stdout (a pipe, or a file opened for appending) are written in place;
a device that fails every write (a private copy of /dev/full, made when running as root) and a FIFO
whose reader goes away give a clear error and exit 1 and stay what they were; a session file with a
malformed frame after megabytes of good ones writes nothing into a FIFO; a regular file that
cannot be written whole (the file-size limit) keeps its old content and no temporary file is left.
Usage: check_output.py YAMS SESSION WORKDIR"""
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import threading

tool, session, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []
formats = ("chrome", "speedscope", "document")


def convert(to, out, stdout=subprocess.PIPE, **kw):
    return subprocess.run([tool, "convert", session, "--to", to, "-o", out], stdout=stdout, stderr=subprocess.PIPE,
                          timeout=60, **kw)


def valid_json(data, what):
    try:
        json.loads(data)
    except ValueError as e:
        failures.append(f"{what}: not JSON: {e}")


# A symlink (a chain of two, relative) to a regular file: the target is replaced, the links stay.
target = os.path.join(work, "target.json")
with open(target, "w") as f:
    f.write("old")
os.symlink("target.json", os.path.join(work, "link1.json"))
link = os.path.join(work, "link2.json")
os.symlink("link1.json", link)
for to in formats:
    r = convert(to, link)
    if r.returncode != 0:
        failures.append(f"symlink {to}: exit {r.returncode}: {r.stderr!r}")
    if not os.path.islink(link) or os.readlink(link) != "link1.json" or not os.path.islink(os.path.join(work, "link1.json")):
        failures.append(f"symlink {to}: the link was replaced")
    with open(target) as f:
        valid_json(f.read(), f"symlink {to}: target")
leftovers = sorted(set(os.listdir(work)) - {"target.json", "link1.json", "link2.json"})
if leftovers:
    failures.append(f"symlink: files left behind: {leftovers}")

# A FIFO: written in place, read whole by its reader.
fifo = os.path.join(work, "out.fifo")
os.mkfifo(fifo)
for to in formats:
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    r = convert(to, fifo)
    reader.join(timeout=60)
    if r.returncode != 0:
        failures.append(f"fifo {to}: exit {r.returncode}: {r.stderr!r}")
    if not stat.S_ISFIFO(os.lstat(fifo).st_mode):
        failures.append(f"fifo {to}: no longer a FIFO")
    valid_json(got[0] if got else b"", f"fifo {to}: what the reader got")

# A FIFO whose reader stops after 10 bytes (SIGPIPE ignored, so the write fails with EPIPE).
for to in formats:
    p = subprocess.Popen([tool, "convert", session, "--to", to, "-o", fifo], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, restore_signals=False)
    with open(fifo, "rb") as f:
        f.read(10)
    _, err = p.communicate(timeout=60)
    if p.returncode != 1 or f"yams: {fifo}: cannot write: Broken pipe".encode() not in err:
        failures.append(f"fifo closed early {to}: exit {p.returncode}: {err!r}")

# A session with a malformed frame after a few megabytes of good ones, converted into a FIFO: the reader
# gets nothing (not the first part of a document), and the error names the file and the line.
with open(session) as f:
    lines = f.read().splitlines()
head, frames = lines[0], [line for line in lines[1:] if '"yams_session_end"' not in line]
bad = os.path.join(work, "bad-late.jsonl")
body = []
while sum(len(line) for line in body) < 3_000_000:
    body += frames
bad_line = len(body) + 2  # after the header line and the good frames
with open(bad, "w") as f:
    f.write("\n".join([head] + body + ['{"frame_number": 1, "timestamp": "late"'] + frames[:3]) + "\n")
for to in formats:
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    r = subprocess.run([tool, "convert", bad, "--to", to, "-o", fifo], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    reader.join(timeout=1)
    if reader.is_alive():  # the tool never opened the FIFO: be its writer, so that the reader ends
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # the reader is already gone
    reader.join(timeout=60)
    if r.returncode != 1 or f"{bad}:{bad_line}:".encode() not in r.stderr:
        failures.append(f"malformed late frame into a fifo {to}: exit {r.returncode}: {r.stderr[:300]!r}")
    if got and got[0]:
        failures.append(f"malformed late frame into a fifo {to}: the reader got {len(got[0])} bytes of a document")

# /dev/stdout: a pipe, then a file opened for appending (its content kept). Only when symlinks and
# FIFOs were kept: a tool that replaces them would replace /dev/stdout itself when run as root.
safe_to_try = not failures
for to in formats if safe_to_try else []:
    r = convert(to, "/dev/stdout")
    if r.returncode != 0:
        failures.append(f"/dev/stdout {to}: exit {r.returncode}: {r.stderr!r}")
    valid_json(r.stdout, f"/dev/stdout {to}")
    appended = os.path.join(work, f"appended-{to}.json")
    with open(appended, "w") as f:
        f.write("kept\n")
    with open(appended, "a") as f:
        r = convert(to, "/dev/stdout", stdout=f)
    with open(appended) as f:
        text = f.read()
    if r.returncode != 0 or not text.startswith("kept\n"):
        failures.append(f"/dev/stdout >> file {to}: exit {r.returncode}, begins {text[:10]!r}: {r.stderr!r}")
    else:
        valid_json(text[5:], f"/dev/stdout >> file {to}")
if not safe_to_try:
    failures.append("/dev/stdout not tried: the checks above failed")
elif not os.path.islink("/dev/stdout"):
    failures.append("/dev/stdout is no longer a symlink")

# A character device failing every write: a private /dev/full (major 1, minor 7), root only.
full = os.path.join(work, "full")
try:
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
except OSError as e:
    print(f"(no private /dev/full: {e}; that check skipped)")
    full = None
if full:
    for to in formats:
        r = convert(to, full)
        if r.returncode != 1 or f"yams: {full}: cannot write: No space left on device".encode() not in r.stderr:
            failures.append(f"full device {to}: exit {r.returncode}: {r.stderr!r}")
        if not stat.S_ISCHR(os.lstat(full).st_mode):
            failures.append(f"full device {to}: no longer a character device")


# A regular file that cannot be written whole: 64 KB file-size limit (SIGXFSZ ignored: EFBIG).
def small_files():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))


limited = os.path.join(work, "limited.json")
for to in formats:
    with open(limited, "w") as f:
        f.write("old content")
    r = convert(to, limited, preexec_fn=small_files)
    if r.returncode != 1 or f"yams: {limited}: cannot write: File too large".encode() not in r.stderr:
        failures.append(f"file-size limit {to}: exit {r.returncode}: {r.stderr!r}")
    if open(limited).read() != "old content" or os.path.exists(limited + ".tmp"):
        failures.append(f"file-size limit {to}: the old file was not kept as it was, or a temporary file was left")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("convert output to symlinks, FIFOs, /dev/stdout and failing files: ok")
