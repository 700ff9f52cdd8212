"""Run a command and watch the memory of its whole process tree: peak summed RSS and PSS (shared
pages counted once: forked writers share Kiwi's model), and the machine's lowest MemAvailable.

    .venv/bin/python bench/memory_watch.py --log /tmp/kb-speed/mem.tsv --abort-below-gb 3 -- CMD ...

Why: ``ru_maxrss`` (what bench/scale.py reports) is one process's peak; a build forks writer
processes, and on a shared machine what matters is what the tree takes from it. With
``--abort-below-gb`` the command's tree is killed when the machine's available memory falls
under that (other people's processes must not be OOM-killed by a benchmark).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def tree(root: int) -> list[int]:
    """``root`` and its descendants (from /proc's parent links)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MB; zeros for one that is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            fields = {line.split(":")[0]: line.split()[1] for line in rollup if ":" in line}
        return int(fields.get("Rss", 0)) / 1024, int(fields.get("Pss", 0)) / 1024
    except (OSError, ValueError):
        return 0.0, 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far; 0 for one that is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def available_gb() -> float:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between samples (reading /proc costs CPU)")
    parser.add_argument("--log", type=Path, help="every sample: seconds, processes, RSS MB, PSS MB, GB available")
    parser.add_argument("--abort-below-gb", type=float, help="kill the command if MemAvailable falls under this")
    parser.add_argument(
        "--cpu-log", type=Path, help="every sample: seconds, load average, pid:CPU seconds of each process"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    started = time.monotonic()
    child = subprocess.Popen(command, start_new_session=True)
    peak_rss = peak_pss = 0.0
    lowest = available_gb()
    aborted = False
    log = open(args.log, "w", encoding="utf-8") if args.log else None
    cpu_log = open(args.cpu_log, "w", encoding="utf-8") if args.cpu_log else None
    try:
        while child.poll() is None:
            pids = tree(child.pid)
            sizes = [memory_mb(pid) for pid in pids]
            rss, pss = sum(s[0] for s in sizes), sum(s[1] for s in sizes)
            avail = available_gb()
            peak_rss, peak_pss, lowest = max(peak_rss, rss), max(peak_pss, pss), min(lowest, avail)
            if log:
                log.write(f"{time.monotonic() - started:.1f}\t{len(pids)}\t{rss:.0f}\t{pss:.0f}\t{avail:.2f}\n")
                log.flush()
            if cpu_log:  # which process worked when: where a build's wall time went
                cpus = " ".join(f"{pid}:{cpu_seconds(pid):.0f}" for pid in pids)
                cpu_log.write(f"{time.monotonic() - started:.1f}\t{os.getloadavg()[0]:.2f}\t{cpus}\n")
                cpu_log.flush()
            if args.abort_below_gb is not None and avail < args.abort_below_gb:
                print(f"memory_watch: {avail:.1f} GB available < {args.abort_below_gb} GB: killing", file=sys.stderr)
                os.killpg(child.pid, signal.SIGKILL)
                aborted = True
                break
            time.sleep(args.interval)
        code = child.wait()
    finally:
        for opened in (log, cpu_log):
            if opened:
                opened.close()
    print(
        f"memory_watch: {time.monotonic() - started:.1f} s, peak tree RSS {peak_rss:.0f} MB, peak tree PSS "
        f"{peak_pss:.0f} MB, lowest MemAvailable {lowest:.1f} GB{' (ABORTED)' if aborted else ''}",
        file=sys.stderr,
    )
    return 1 if aborted else code


if __name__ == "__main__":
    sys.exit(main())
