"""Every scale benchmark of issue 11 in one command, each in its own process, side by side.

Runs, in order: ``planner_change.py`` (idle CPU, changed and new case, peak RSS at 100 / 1,000 /
10,000 cases with 1M stored reminders), ``lateness_load.py`` (reminder lateness at 100k and 1M
stored rows while the planner works on 10,000 cases and 3,000 notices drain),
``dispatch_throughput.py`` (limits off; on PostgreSQL also two processes) and
``jobqueue_compare.py`` (1M reminders as PTB JobQueue jobs or as rows). A benchmark that fails is
recorded and the others still run; with ``--only`` the others' last results are kept.

Run by hand: ``.venv/bin/python benchmarks/run_all.py [--quick] [--postgres] [--only a,b]``.
``--quick`` uses small sizes (100 cases, 10k reminders) and finishes in minutes. Writes each
benchmark's JSON, ``benchmarks/results/summary.json`` (``summary_quick.json`` with ``--quick``;
one entry per database) and, with matplotlib, ``summary[_quick]_<db>.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from charts import draw, figures  # noqa: E402  (this folder is not a package)

FULL = {
    "planner_change": ["--cases", "100,1000,10000", "--reminders", "1000000"],
    "lateness_load": ["--rows", "100000,1000000", "--cases", "10000"],
    "dispatch_throughput": ["--rows", "10000"],
    "jobqueue_compare": ["--rows", "1000000"],
}
QUICK = {
    "planner_change": ["--cases", "100", "--reminders", "10000"],
    "lateness_load": [
        "--rows",
        "10000",
        "--cases",
        "100",
        "--notices",
        "300",
        "--due",
        "100",
        "--window",
        "20",
        "--grace",
        "10",
    ],
    "dispatch_throughput": ["--rows", "1000"],
    "jobqueue_compare": ["--rows", "10000"],
}


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def json_from(stdout: str) -> dict[str, Any]:
    """A benchmark's result: its last line as JSON, the file it says it wrote, or the JSON
    object it printed over several lines."""
    lines = stdout.strip().splitlines()
    for line in reversed(lines):
        if line.startswith("{") and line.endswith("}"):
            found: dict[str, Any] = json.loads(line)
            return found
        if match := re.match(r"wrote (\S+\.json)", line):
            found = json.loads(Path(match.group(1)).read_text(encoding="utf-8"))
            return found
    text = stdout[stdout.index("{") : stdout.rindex("}") + 1]
    found = json.loads(text)
    return found


def run(name: str, argv: list[str]) -> dict[str, Any]:
    """One benchmark in its own process: its result, how long it took, or why it failed."""
    print(f"== {name}: {' '.join(argv)}", file=sys.stderr, flush=True)
    began = time.perf_counter()
    out = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True)
    step: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", *argv]),
        "seconds": round(time.perf_counter() - began, 1),
    }
    try:
        if out.returncode != 0:
            raise RuntimeError(f"exit {out.returncode}")
        step["result"] = json_from(out.stdout)
    except (RuntimeError, ValueError) as exc:
        step["error"] = f"{exc}: {out.stderr.strip()[-1500:]}"
    print(f"   {'failed' if 'error' in step else 'done'} in {step['seconds']} s", file=sys.stderr)
    return step


def dispatch_steps(sizes: list[str], postgres: bool, quick: bool) -> dict[str, list[str]]:
    """dispatch_throughput.py through its own CLI, whatever flags it has today."""
    script = str(HERE / "dispatch_throughput.py")
    helptext = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True)
    flags = list(sizes)
    if postgres and "--postgres" in helptext.stdout:
        flags.append("--postgres")
    steps = {"dispatch_throughput": [script, *flags]}
    if postgres and "--processes" in helptext.stdout:
        steps["dispatch_throughput_2proc"] = [script, *flags, "--processes", "2"]
    return steps


def keeping(paths: list[Path]) -> dict[Path, bytes]:
    """What is in those of ``paths`` that exist."""
    return {p: p.read_bytes() for p in paths if p.exists()}


def steps_for(args: argparse.Namespace, suffix: str, db: str) -> dict[str, list[str]]:
    sizes = QUICK if args.quick else FULL
    pg = ["--postgres"] if args.postgres else []
    steps: dict[str, list[str]] = {}
    for name in ("planner_change", "lateness_load"):
        out = RESULTS / f"{name}_{db}{suffix}.json"
        steps[name] = [str(HERE / f"{name}.py"), *sizes[name], *pg, "--out", str(out)]
    steps.update(dispatch_steps(sizes["dispatch_throughput"], args.postgres, args.quick))
    out = RESULTS / f"jobqueue_compare_{db}{suffix}.json"
    steps["jobqueue_compare"] = [
        str(HERE / "jobqueue_compare.py"),
        *sizes["jobqueue_compare"],
        *pg,
        "--out",
        str(out),
    ]
    only = set(filter(None, (args.only or "").split(",")))
    return {k: v for k, v in steps.items() if not only or k.split("_2proc")[0] in only}


def report_lines(found: dict[str, Any]) -> list[str]:
    """The headline figures as text, for the terminal."""
    lines = [f"goals: {found['goals']}"]
    lines += [
        f"planner {p['cases']:>6,} cases: idle {p['idle_cpu_percent']} % of a core, "
        f"changed {p['changed_case_s']} s, new {p['new_case_s']} s, "
        f"peak RSS {p['peak_rss_mib']} MiB"
        for p in found["planner"]
    ]
    lines += [
        f"lateness {r['stored_reminders']:>9,} stored: p50 {r['p50_s']} s, p99 {r['p99_s']} s,"
        f" sent {r['sent']}"
        for r in found["lateness"]
    ]
    lines += [
        f"dispatch {d['processes']} process(es): {d['messages_per_second']} msg/s, "
        f"duplicates {d['duplicates']}"
        for d in found["dispatch"]
    ]
    jq = found["jobqueue"]
    if jq["rows"]:
        lines.append(
            f"{jq['rows']:,} reminders: JobQueue {jq['jobqueue_rss_mib']} MiB, "
            f"{jq['jobqueue_s']} s; sigbot {jq['sigbot_rss_mib']} MiB, {jq['sigbot_s']} s"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1:5432")
    parser.add_argument(
        "--only",
        help="comma-separated: planner_change, lateness_load, "
        "dispatch_throughput, jobqueue_compare",
    )
    args = parser.parse_args()
    db, suffix = ("postgresql" if args.postgres else "sqlite"), ("_quick" if args.quick else "")
    summary: dict[str, Any] = {
        "quick": args.quick,
        "database": db,
        "started_at": datetime.now(UTC).isoformat(),
        "commit": git("log", "-1", "--format=%H %s"),
        "cpus": os.cpu_count(),
        "uncommitted": git("status", "--short", "--untracked-files=no").splitlines(),
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "steps": {},
    }
    began = time.perf_counter()
    # dispatch_throughput.py writes these; quick figures must not replace the full ones
    theirs = [RESULTS / f"dispatch_throughput_{db}{n}.json" for n in ("", "_2proc")]
    kept = keeping(theirs) if args.quick else {}
    for name, argv in steps_for(args, suffix, db).items():
        summary["steps"][name] = run(name, argv)
    for path in theirs if args.quick else ():
        if path in kept:
            path.write_bytes(kept[path])
        else:
            path.unlink(missing_ok=True)
    summary["seconds"] = round(time.perf_counter() - began, 1)
    out = RESULTS / f"summary{suffix}.json"
    both = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    for name, step in both.get(db, {}).get("steps", {}).items():  # --only: keep the rest
        summary["steps"].setdefault(name, {**step, "from_an_earlier_run": True})
    summary["figures"] = figures(summary)
    both[db] = summary  # SQLite and PostgreSQL side by side
    out.write_text(json.dumps(both, indent=2) + "\n", encoding="utf-8")
    chart = RESULTS / f"summary{suffix}_{db}.png"
    drawn = draw(summary, chart)
    print("\n".join(report_lines(summary["figures"])))
    print(f"wrote {out}" + (f" and {chart}" if drawn else " (no chart: matplotlib missing)"))
    failed = [name for name, step in summary["steps"].items() if "error" in step]
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)} (see {out})")


if __name__ == "__main__":
    main()
