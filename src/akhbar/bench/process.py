"""Jobs in forked processes, and their peak memory read from the kernel (summed PSS, sampled)."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path




def _descendants(root: int) -> list[int]:
    """*root* and every process below it, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid, ppid = int(text.split(" ", 1)[0]), int(text.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeMemory:
    """Peak memory of a process *and all its descendants*, sampled as their summed PSS.

    PSS (proportional set size) splits pages shared after a fork between the processes that
    share them, so a forked worker is not counted twice, as adding up RSS (or ``ru_maxrss`` of
    parent and child) would. Sampling every 0.1 s can miss a spike shorter than that. The list
    of descendants is refreshed every tenth sample: scanning ``/proc`` costs four times as much
    as reading the PSS, and on a 2-core machine the sampler shares the cores with the job it
    measures (a worker process lives for many seconds, so none is missed).
    """

    def __init__(self, pid: int, interval: float = 0.1):
        import threading

        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        tick = 0
        while not self._stop.is_set():
            if tick % 10 == 0:
                tree = _descendants(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in tree))
            tick += 1
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)


def _in_child(fn, *args):
    """Run fn(*args) in a forked process; return its result with the peak memory of its tree."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def target():
        try:
            result = fn(*args)
            send.send(("ok", result))
        except BaseException as exc:  # pragma: no cover - reported to the parent
            send.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    proc = ctx.Process(target=target)
    proc.start()
    send.close()
    with TreeMemory(proc.pid) as memory:
        status, payload = receive.recv()
        proc.join()
    if status != "ok":
        raise RuntimeError(payload)
    payload["peak_memory_mb"] = memory.peak_mb
    return payload


