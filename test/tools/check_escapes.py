"""Text from a session file never reaches the terminal raw: labels, entity ids, the session id and
file names holding ESC sequences, newlines, NUL, DEL and C1 controls come out escaped (\\x1b, \\n, ...)
from `yams report` (text and --json), `yams serve`'s first line and the error of a malformed file;
--json still decodes to the original strings.
Usage: check_escapes.py YAMS WORKDIR"""
import json
import os
import re
import signal
import subprocess
import sys

from session_file import make_call, make_frame, write_session

tool, work = sys.argv[1:3]
os.makedirs(work, exist_ok=True)
failures = []
hostile_label = "Boom\x1b[2J\x1b]0;owned\x07\nfake line\r\x00\x7f\u009b31m"
hostile_entity = "duck\x1b[31m_1\x08"
hostile_id = "sess\x1b[5m\n"
path = os.path.join(work, "hostile.jsonl")
calls = [make_call(1, None, hostile_label, 0, 2.0, entity_id=hostile_entity),
         make_call(2, 1, "child\tlabel", 0, 1.0, line=2)]
calls[1]["file"] = "src/\x1b[8mhidden.cpp"
write_session(path, hostile_id, [make_frame(1, 2.0, calls)])

# Raw C0 controls other than the line ends, DEL, and C1 controls (U+0080..U+009F as UTF-8).
raw_control = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def check_clean(what, data):
    m = raw_control.search(data)
    if m:
        failures.append(f"{what}: raw control byte {m.group()!r} at {m.start()}: {data[max(0, m.start() - 40):m.start() + 20]!r}")


text = subprocess.run([tool, "report", path], capture_output=True, timeout=60)
if text.returncode != 0:
    failures.append(f"report: exit {text.returncode}: {text.stderr!r}")
check_clean("report", text.stdout)
for want in (rb"Boom\x1b[2J\x1b]0;owned\x07\nfake line\r\0\x7f\u009b31m", rb"duck\x1b[31m_1\x08",
             rb"session sess\x1b[5m\n (", rb"child\tlabel", rb"src/\x1b[8mhidden.cpp:2"):
    if want not in text.stdout:
        failures.append(f"report: no {want!r} in the text report")

js = subprocess.run([tool, "report", path, "--json"], capture_output=True, timeout=60)
check_clean("report --json", js.stdout)
if js.returncode != 0:
    failures.append(f"report --json: exit {js.returncode}: {js.stderr!r}")
else:
    r = json.loads(js.stdout)
    if r["session_id"] != hostile_id or r["top_entities"][0]["entity_id"] != hostile_entity or \
            r["worst_frames"][0]["path"][0]["label"] != hostile_label:
        failures.append("report --json: the strings do not decode to the file's")

serve = subprocess.Popen([tool, "serve", path, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
try:
    line = serve.stdout.readline()
    check_clean("serve", line.rstrip(b"\n"))
    if rb"session sess\x1b[5m\n)" not in line:
        failures.append(f"serve: first line {line!r}")
finally:
    serve.send_signal(signal.SIGINT)
    serve.wait(timeout=10)

# A malformed frame: the reader's message quotes the bad token.
bad = os.path.join(work, "hostile-bad.jsonl")
with open(bad, "w", encoding="utf-8") as f:
    f.write('{"yams_session":1,"session_id":"x","start_time":1}\n{"frame":\x1b[31mtrue\x1b[0m}\n')
r = subprocess.run([tool, "report", bad], capture_output=True, timeout=60)
check_clean("error", r.stderr.rstrip(b"\n"))
if r.returncode != 1 or not r.stderr.startswith(f"yams: {bad}:2:".encode()):
    failures.append(f"error: exit {r.returncode}: {r.stderr!r}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("control characters escaped: ok")
