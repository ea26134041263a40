"""The charts of ``run_all.py``: every benchmark's figures side by side, each against its goal.

``figures(summary)`` pulls the headline numbers out of the collected results (also written to
``summary.json``); ``draw(summary, path)`` puts them in one PNG with six panels. matplotlib is
optional (``pip install -e .[bench]``): without it ``draw`` returns False.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

GOALS = {
    "idle_cpu_percent": 5.0,
    "changed_case_s": 2.0,
    "peak_rss_mib": 150.0,
    "lateness_p99_s": 1.0,
    "dispatch_msg_per_s": 1500.0,
}


def result_of(summary: dict[str, Any], step: str) -> dict[str, Any]:
    found: dict[str, Any] = summary.get("steps", {}).get(step, {}).get("result") or {}
    return found


def figures(summary: dict[str, Any]) -> dict[str, Any]:
    """The numbers the issue asks for, by benchmark and size."""
    planner = [
        {
            "cases": r["cases"],
            "stored_reminders": r.get("stored_reminders"),
            "idle_cpu_percent": r["idle_minute"]["cpu_percent_of_a_core"],
            "changed_case_s": r["changed_case"]["seconds"],
            "new_case_s": r["new_case"]["seconds"],
            "peak_rss_mib": r["peak_rss_mib"],
            "build_s": r.get("build", {}).get("total_s"),
            "clones_queued_on_check": r.get("build", {}).get("verify", {}).get("queued_on_clones"),
        }
        for r in result_of(summary, "planner_change").get("runs", [])
    ]
    lateness = [
        {
            "stored_reminders": r["stored_reminders"],
            "cases": r["cases"],
            "limits": r["limits"],
            "p50_s": r["lateness_p50_s"],
            "p99_s": r["lateness_p99_s"],
            "max_s": r["lateness_max_s"],
            "sent": f"{r['reminders_sent']}/{r['reminders_due']}",
            "notices_sent": r["notices_sent"],
            "peak_rss_mib": r["peak_rss_mib"],
        }
        for r in result_of(summary, "lateness_load").get("runs", [])
    ]
    dispatch = [
        {
            "processes": r.get("processes", 1),
            "messages_per_second": r.get("messages_per_second"),
            "duplicates": r.get("duplicates"),
            "missing": r.get("missing"),
            "rows": r.get("rows"),
        }
        for step in ("dispatch_throughput", "dispatch_throughput_2proc")
        if (r := result_of(summary, step))
    ]
    jq = result_of(summary, "jobqueue_compare")
    jobqueue = {
        "rows": jq.get("rows"),
        "jobqueue_rss_mib": jq.get("jobqueue", {}).get("peak_rss_mib"),
        "jobqueue_s": jq.get("jobqueue", {}).get("seconds_until_all_scheduled"),
        "jobqueue_finished": jq.get("jobqueue", {}).get("finished"),
        "sigbot_rss_mib": jq.get("sigbot", {}).get("peak_rss_mib"),
        "sigbot_s": jq.get("sigbot", {}).get("seconds_until_ready"),
    }
    return {
        "goals": GOALS,
        "planner": planner,
        "lateness": lateness,
        "dispatch": dispatch,
        "jobqueue": jobqueue,
    }


def bars(ax: Any, labels: list[str], series: dict[str, list[float]], goal: float | None) -> None:
    """Grouped bars, one group per label, with the goal as a dashed line."""
    if not labels:
        ax.text(0.5, 0.5, "not measured", ha="center", va="center", transform=ax.transAxes)
        return
    width = 0.8 / max(len(series), 1)
    for k, (name, values) in enumerate(series.items()):
        xs = [j + k * width for j in range(len(labels))]
        drawn = ax.bar(xs, values, width, label=name)
        ax.bar_label(drawn, fmt="%.3g", fontsize=7)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(labels))], labels, fontsize=8)
    if goal is not None:
        ax.axhline(goal, color="red", linestyle="--", linewidth=1, label=f"goal {goal:g}")
    ax.legend(fontsize=7)


Panel = tuple[str, list[str], dict[str, list[float]], float | None, bool]  # log scale?


def short(n: int) -> str:
    """1000000 -> 1M, 10000 -> 10k."""
    return (
        f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)
    )


def panels(f: dict[str, Any]) -> list[Panel]:
    """Title, bar labels, series and goal of each of the six charts."""
    planner, lateness, dispatch, jq = f["planner"], f["lateness"], f["dispatch"], f["jobqueue"]
    sizes = [f"{p['cases']:,} cases" for p in planner]
    both = [f"JobQueue {short(jq['rows'])}", f"sigbot {short(jq['rows'])}"] if jq["rows"] else []
    rss = [p["peak_rss_mib"] for p in planner]
    rss += [jq["jobqueue_rss_mib"] or 0, jq["sigbot_rss_mib"] or 0] if jq["rows"] else []
    start = [jq["jobqueue_s"] or 0, jq["sigbot_s"] or 0] if jq["rows"] else []
    return [
        ("Planner: CPU in a minute with nothing changed", sizes,
         {"% of a core": [p["idle_cpu_percent"] for p in planner]},
         GOALS["idle_cpu_percent"], False),
        ("Planner: seconds of the tick that plans it", sizes,
         {"changed case": [p["changed_case_s"] for p in planner],
          "new case": [p["new_case_s"] for p in planner]}, GOALS["changed_case_s"], False),
        ("Peak RSS: planner by size; reminders as jobs or rows", sizes + both,
         {"MiB": rss}, GOALS["peak_rss_mib"], True),
        ("Reminder lateness under load (planner + notice burst)",
         [f"{r['stored_reminders']:,} stored" for r in lateness],
         {"p50 s": [r["p50_s"] for r in lateness], "p99 s": [r["p99_s"] for r in lateness]},
         GOALS["lateness_p99_s"], False),
        ("Dispatcher, limits off", [f"{d['processes']} process(es)" for d in dispatch],
         {"messages/s": [d["messages_per_second"] or 0 for d in dispatch]},
         GOALS["dispatch_msg_per_s"], False),
        (f"Restart with {jq['rows'] or 0:,} future reminders",
         ["JobQueue: all scheduled", "sigbot: ready"] if jq["rows"] else [],
         {"seconds from process start": start}, None, True),
    ]  # fmt: skip


def draw(summary: dict[str, Any], path: Path) -> bool:
    """All panels in one PNG; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    for ax, (title, labels, series, goal, log) in zip(
        axes.flat, panels(figures(summary)), strict=True
    ):
        bars(ax, labels, series, goal)
        ax.set_title(title + (" (log scale)" if log and labels else ""), fontsize=10)
        if log and labels:
            ax.set_yscale("log")
    database, commit = summary.get("database"), str(summary.get("commit"))[:7]
    quick = " — quick sizes" if summary.get("quick") else ""
    fig.suptitle(f"sigbot benchmarks, {database} ({commit}){quick}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
