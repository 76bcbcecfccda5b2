"""The design's coverage requirements (section 12, "Test Coverage Requirements"), checked on a coverage
build's merged profile: line coverage of each component, from the test binaries that exercise it.

    python3 check_coverage.py BUILD_DIR PROFDATA

Prints one line per component and exits 1 when one is below its minimum, naming its least covered files.
"""
import json
import os
import re
import subprocess
import sys

LLVM_COV = os.environ.get("YAMS_LLVM_COV", "/usr/lib/llvm-19/bin/llvm-cov")

# name, what it is in the design, minimum line coverage (%), files (regex on the path from the
# repository root), test binaries (from the build directory). The probe headers are measured on the
# runtime tests alone: other binaries compile the same inline functions with other instantiations,
# and llvm-cov then reports their counts as mismatched.
COMPONENTS = [
    ("runtime core", "ams/profiling.py", 90.0, r"^runtime/src/([^/]+|session/[^/]+)\.(cpp|hpp)$",
     ["test/runtime/yams_runtime_test", "test/runtime/yams_runtime_env_test", "test/session/yams_session_test"]),
    ("probes", "decorator behaviour", 100.0, r"^annotations/include/yams/(probe|detail/recorder)\.hpp$",
     ["test/runtime/yams_runtime_test"]),
    ("live server", "WebSocket broadcast", 80.0, r"^runtime/src/server/[^/]+\.(cpp|hpp)$",
     ["test/server/yams_server_test", "test/server/yams_ws_test_server"]),
]


def line_summary(build, profdata, binaries, root):
    """Per file (path from the repository root): (lines, covered)."""
    objects = [os.path.join(build, b) for b in binaries]
    for o in objects:
        if not os.path.exists(o):
            sys.exit(f"check_coverage: {o}: missing test binary (was the coverage preset built?)")
    args = [LLVM_COV, "export", "-summary-only", "-instr-profile", profdata, objects[0]]
    for o in objects[1:]:
        args += ["-object", o]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"check_coverage: llvm-cov export failed: {out.stderr.strip()}")
    files = {}
    for f in json.loads(out.stdout)["data"][0]["files"]:
        path = os.path.relpath(os.path.realpath(f["filename"]), root)
        lines = f["summary"]["lines"]
        files[path] = (lines["count"], lines["covered"])
    return files


def main():
    build, profdata = sys.argv[1:3]
    root = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
    failed = False
    for name, design, minimum, pattern, binaries in COMPONENTS:
        files = {p: v for p, v in line_summary(build, profdata, binaries, root).items() if re.match(pattern, p)}
        total = sum(n for n, _ in files.values())
        covered = sum(c for _, c in files.values())
        if total == 0:
            print(f"{name}: no lines measured (pattern {pattern})")
            failed = True
            continue
        percent = 100.0 * covered / total
        ok = percent >= minimum
        print(f"{name:13} ({design}): {percent:6.2f}% of {total} lines in {len(files)} files "
              f"(minimum {minimum:g}%) {'ok' if ok else 'BELOW'}")
        if not ok:
            failed = True
            worst = sorted(files.items(), key=lambda kv: kv[1][1] / max(kv[1][0], 1))[:5]
            for path, (n, c) in worst:
                print(f"    {path}: {c}/{n} lines")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
