"""Bad input to every subcommand: missing, corrupt, truncated and non-JSON files and directories give one
line naming the file, the position and what was expected, with exit status 1; usage mistakes give status 2; a
truncated streaming file still yields its complete frames with a warning; the document form written by
`convert --to document` reports exactly like the streaming file it came from."""
import json
import os
import subprocess
import sys

tool, session, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
failures = []
lines = open(session, encoding="utf-8").read().split("\n")
assert len(lines) > 4, "session too short"


def write(name, text):
    p = os.path.join(work, name)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    return p


def run(*args):
    return subprocess.run([tool, *args], capture_output=True, text=True)


def expect_error(args, status, prefix, contains=""):
    r = run(*args)
    err = r.stderr.strip()
    if r.returncode != status:
        failures.append(f"{args}: exit {r.returncode}, want {status} ({err})")
    first = err.split("\n")[0]
    if not first.startswith(prefix) or contains not in first:
        failures.append(f"{args}: error line {first!r} does not start with {prefix!r} and contain {contains!r}")


# A corrupt frame line: line 4, column 10 (the value of "frame").
bad = list(lines)
assert bad[3].startswith('{"frame":')
bad[3] = bad[3][:9] + "@" + bad[3][10:]
corrupt = write("corrupt.jsonl", "\n".join(bad))
missing = os.path.join(work, "does-not-exist.jsonl")
garbage = write("garbage.jsonl", "\x00\x01not json")
cut_doc = write("cut.json", '{"session_id":"x","start_time":1,"frames":[{"frame":1,')
directory = os.path.join(work, "a-directory")
os.makedirs(directory, exist_ok=True)
for sub in (["report"], ["convert", "--to", "chrome", "-o", os.path.join(work, "x.json")], ["serve", "--port", "0"]):
    expect_error([*sub, corrupt], 1, f"yams: {corrupt}:4:10: expected")
    expect_error([*sub, missing], 1, f"yams: {missing}: cannot open")
    expect_error([*sub, directory], 1, f"yams: {directory}: is a directory, expected a session file")
    expect_error([*sub, garbage], 1, f"yams: {garbage}:1:1: expected")
    expect_error([*sub, cut_doc], 1, f"yams: {cut_doc}:1:", "expected")

# A truncated last line (the recorder was killed mid-write): the complete frames and a warning.
complete = [l for l in lines[1:] if l.strip()]
truncated = write("truncated.jsonl", "\n".join(lines[:-2]) + "\n" + complete[-1][: len(complete[-1]) // 2])
r = run("report", truncated, "--json")
if r.returncode != 0:
    failures.append(f"truncated: exit {r.returncode}: {r.stderr}")
else:
    if json.loads(r.stdout)["frames"] != len(complete) - 1:
        failures.append(f"truncated: {json.loads(r.stdout)['frames']} frames, want {len(complete) - 1}")
    if f"{truncated}:{len(complete) + 1}: truncated last line ignored" not in r.stderr:
        failures.append(f"truncated: no warning naming line {len(complete) + 1}: {r.stderr!r}")

# A session without frames (recorded with profiling off): the text report says so instead of showing
# zeros and empty tables; the JSON report still has its keys.
empty = write("empty.jsonl", lines[0] + "\n")
r = run("report", empty)
if r.returncode != 0 or "no frames to report: the game ended no frame while it recorded, or profiling was off" \
        not in r.stdout or "frame time" in r.stdout:
    failures.append(f"empty session: exit {r.returncode}, report {r.stdout!r}")
r = run("report", empty, "--json")
if r.returncode != 0 or json.loads(r.stdout)["frames"] != 0:
    failures.append(f"empty session --json: exit {r.returncode}: {r.stdout!r} {r.stderr!r}")

# The document form reads like the streaming form it was converted from.
doc = os.path.join(work, "document.json")
r = run("convert", session, "--to", "document", "-o", doc)
a, b = run("report", session, "--json"), run("report", doc, "--json")
if r.returncode or a.returncode or b.returncode:
    failures.append(f"document: {r.stderr}{a.stderr}{b.stderr}")
else:
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    ja.pop("file"), jb.pop("file")
    if ja != jb:
        failures.append("document: report differs from the streaming file's")
    if not isinstance(json.load(open(doc)).get("frames"), list):
        failures.append("document: no frames array")

# Usage mistakes.
expect_error([], 2, "usage:")
expect_error(["frobnicate"], 2, "yams: unknown command 'frobnicate'")
expect_error(["report"], 2, "yams report: expected exactly one session FILE")
expect_error(["report", session, "--top", "many"], 2,
             "yams report: --top expects a whole number from 1 to 1000000000, got 'many'")
expect_error(["convert", session, "--to", "xml", "-o", "x"], 2, "yams convert: unknown format 'xml'")
expect_error(["convert", session, "--to", "chrome"], 2, "yams convert: missing -o OUT")
expect_error(["record", "http://127.0.0.1:1", "-o", "x"], 2, "yams record: expected a ws://HOST:PORT")
expect_error(["report", session, "--bogus"], 2, "yams report: unknown option '--bogus'")
# --seconds must be a positive, finite number (0 or a negative one used to mean "no limit").
for seconds in ("0", "-1", "-0.5"):
    expect_error(["record", "ws://127.0.0.1:1", "-o", "x", "--seconds", seconds], 2,
                 f"yams record: --seconds expects a positive number of seconds, got '{seconds}'")
for seconds in ("inf", "nan", "1e400"):
    expect_error(["record", "ws://127.0.0.1:1", "-o", "x", "--seconds", seconds], 2,
                 f"yams record: --seconds expects a number, got '{seconds}'")
# No option takes 0 to mean "no limit": 0 (where it makes no sense), negative, fractional, non-numeric and
# overflowing values are usage errors naming the option and the value, in every subcommand.
record = ["record", "ws://127.0.0.1:1", "-o", os.path.join(work, "never-written.jsonl")]
bad_counts = ("0", "-1", "+3", "1.5", "", "ten", "1e3", "0x10", "99999999999999999999999")
for value in bad_counts:
    expect_error([*record, "--frames", value], 2,
                 f"yams record: --frames expects a whole number from 1 to 1000000000, got '{value}'")
    expect_error([*record, f"--frames={value}"], 2,
                 f"yams record: --frames expects a whole number from 1 to 1000000000, got '{value}'")
    for option in ("--top", "--worst"):
        expect_error(["report", session, option, value], 2,
                     f"yams report: {option} expects a whole number from 1 to 1000000000, got '{value}'")
expect_error([*record, "--frames", "1000000001"], 2,
             "yams record: --frames expects a whole number from 1 to 1000000000, got '1000000001'")
expect_error(["report", session, "--top", "1000000001"], 2,
             "yams report: --top expects a whole number from 1 to 1000000000, got '1000000001'")
for budget in ("0", "-0", "-16.7"):
    expect_error(["report", session, "--budget", budget], 2,
                 f"yams report: --budget expects a positive number of milliseconds, got '{budget}'")
for budget in ("", "fast", "inf", "nan", "1e400"):
    expect_error(["report", session, "--budget", budget], 2, f"yams report: --budget expects a number, got '{budget}'")
# The port of record's URL: the resolver would take a name or a number out of range (99999 as 34463).
for port in ("0", "65536", "99999", "http", "-5"):
    url = f"ws://127.0.0.1:{port}/ws"
    expect_error(["record", url, "-o", record[-1]], 2,
                 f"yams record: expected a port from 1 to 65535 in '{url}', got '{port}'")
# serve --port 0 is documented (any free port); the rest of the range is checked like the counts.
for port in ("-1", "65536", "http", "99999999999999999999999"):
    expect_error(["serve", session, "--port", port], 2,
                 f"yams serve: --port expects a whole number from 0 to 65535, got '{port}'")
# The smallest values that make sense are accepted.
r = run("report", session, "--json", "--top", "1", "--worst", "1", "--budget", "0.001")
if r.returncode != 0:
    failures.append(f"report --top 1 --worst 1 --budget 0.001: exit {r.returncode}: {r.stderr}")
else:
    j = json.loads(r.stdout)
    if (len(j["top_self"]), len(j["top_total"]), len(j["worst_frames"])) != (1, 1, 1):
        failures.append(f"report --top 1 --worst 1: {len(j['top_self'])} {len(j['top_total'])} {len(j['worst_frames'])} rows")
    if j["frame_time_ms"]["over_budget"] != j["frames"]:
        failures.append("report --budget 0.001: not every frame over budget")
if os.path.exists(record[-1]):
    failures.append(f"{record[-1]}: written by a record command with a bad option")

# --help and -h: the subcommand's usage, then each argument on a line of its own with what it does (and
# its range and default), on stdout, exit 0, nothing on stderr, whatever else is on the command line (no
# file, a bad option or value, a server that is not there): nothing is read, written or served.
never = os.path.join(work, "never-written-by-help.jsonl")
help_cases = {
    "record": ({"ws://HOST:PORT[/PATH]": "1 to 65535", "-o, --output FILE": "", "--token T": "", "--enable": "",
                "--frames N": "1 to 1000000000", "--seconds S": "positive"},
               ["ws://127.0.0.1:1", "-o", never, "--frames", "0"]),
    "report": ({"FILE": "", "--json": "JSON", "--budget MS": "default 16.7", "--top N": "default 10",
                "--worst N": "default 5"},
               [missing, "--bogus"]),
    "convert": ({"FILE": "", "--to FORMAT": "speedscope", "-o, --output OUT": ""},
                [session, "--to", "xml", "-o", never]),
    "serve": ({"FILE": "", "--port P": "0 to 65535", "--address A": "127.0.0.1", "--panel DIR": "",
               "--source-root DIR": "repeatable", "--token T": ""},
              [session, "--port", "99999"]),
}
for sub, (arguments, extra) in help_cases.items():
    for flag in ("--help", "-h"):
        for args in ([sub, flag], [sub, *extra, flag], [sub, flag, *extra]):
            r = subprocess.run([tool, *args], capture_output=True, text=True, timeout=10)
            if r.returncode != 0 or r.stderr or not r.stdout.startswith(f"usage: yams {sub} "):
                failures.append(f"{args}: exit {r.returncode}, stderr {r.stderr!r}, stdout {r.stdout[:60]!r}")
                continue
            lines = r.stdout.split("\n")
            for spec, says in {**arguments, "-h, --help": "help"}.items():
                # The argument at the start of an indented line, then a description saying `says`.
                at = [i for i, l in enumerate(lines) if l.startswith(f"  {spec}  ")]
                text = " ".join(l.strip() for l in lines[at[0]:at[0] + 2]) if at else ""
                if not at or len(lines[at[0]].split()) <= len(spec.split()) or says not in text:
                    failures.append(f"{args}: no line describing {spec!r} (with {says!r}) in {r.stdout!r}")
if os.path.exists(never):
    failures.append(f"{never}: written by a command given --help")
# `yams --help` and `-h`: every subcommand's usage, on stdout, exit 0.
for flag in ("--help", "-h"):
    r = run(flag)
    if r.returncode != 0 or r.stderr or any(f"  yams {sub} " not in r.stdout for sub in help_cases):
        failures.append(f"yams {flag}: exit {r.returncode}, stderr {r.stderr!r}, stdout {r.stdout!r}")

expect_error(["convert", session, "--to", "chrome", "-o", "/nonexistent-dir/out.json"], 1,
             "yams: /nonexistent-dir/out.json: cannot")
# Nothing listens on port 1: a clear connection error, no file.
expect_error(["record", "ws://127.0.0.1:1", "-o", os.path.join(work, "none.jsonl")], 1,
             "yams: record: cannot connect to ws://127.0.0.1:1")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("errors: ok")
