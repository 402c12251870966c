"""The whole app while monitoring: CPU share of one core and keyword-to-table latency.

    python3 benchmarks/ui_monitor.py [--source assets/demo.wav] [--seconds 14]

Opens the real window offscreen (QT_QPA_PLATFORM=offscreen unless a display is set) on a file played
in real time, and measures the process's CPU time (all threads: capture, engine, GUI) over the run,
and on Linux the GUI thread's share of it (drawing, the trigger log, signal delivery).
Latency per detection is the wall time at which the trigger log received the event minus the moment
its frame was "captured" (stream start + stream time of the frame that fired), so it includes the
worker's batching (at most 30 updates per second) and the GUI thread's queue. The stream start is
taken when the controller reports it is running, which slightly overstates the latency.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def gui_thread_cpu_seconds() -> float:
    """Return the CPU time of the main (GUI) thread from /proc (Linux), or NaN where /proc is missing."""
    try:
        fields = Path(f"/proc/self/task/{os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # utime and stime are fields 14 and 15 in proc(5); this list starts at field 3, after the command name.
    utime_ticks, stime_ticks = int(fields[11]), int(fields[12])
    return (utime_ticks + stime_ticks) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "assets" / "demo.wav")
    parser.add_argument("--seconds", type=float, default=14.0, help="monitoring time")
    args = parser.parse_args()
    os.environ["KWAPP_HOME"] = tempfile.mkdtemp(prefix="kwapp-bench-")
    from PySide6.QtCore import QEventLoop, QTimer

    from kwapp.app import application, create_window
    from kwapp.pipeline.worker import SourceSpec

    application()
    marks: dict[str, float] = {}
    latencies: list[float] = []
    window = create_window(SourceSpec("file", str(args.source)), None, "en", autostart=False)
    window.controller.running_changed.connect(lambda on: marks.setdefault("start", time.time()) if on else None)
    window.controller.events_logged.connect(
        lambda events: latencies.extend(time.time() - (marks["start"] + e.stream_t) for e in events))
    window.show()
    cpu0, gui0, wall0 = cpu_seconds(), gui_thread_cpu_seconds(), time.perf_counter()
    window.start_stream()
    loop = QEventLoop()
    QTimer.singleShot(int(args.seconds * 1000), loop.quit)
    loop.exec()
    cpu, gui, wall = cpu_seconds() - cpu0, gui_thread_cpu_seconds() - gui0, time.perf_counter() - wall0
    window.close()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"command: `python3 benchmarks/ui_monitor.py {' '.join(sys.argv[1:])}`\n")
    print("| monitoring s | CPU (share of one core) | of it GUI thread | detections | latency median ms | latency max ms |")
    print("|--:|--:|--:|--:|--:|--:|")
    med = f"{statistics.median(latencies) * 1000:.0f}" if latencies else "—"
    top = f"{max(latencies) * 1000:.0f}" if latencies else "—"
    print(f"| {wall:.1f} | {100 * cpu / wall:.1f} % | {100 * gui / wall:.1f} % | {len(latencies)} | {med} | {top} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
