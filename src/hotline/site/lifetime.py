"""Every process a build starts ends with it, however the build ends.

A build runs worker processes (a forkserver, its workers, a Jupyter kernel per worker, Chromium),
Sphinx, and Sphinx's own workers: hundreds of megabytes. If the build is stopped (Ctrl-C, ``kill``,
a closed terminal) or killed outright, none of them may be left running.

- The command that owns a build (:func:`owned_processes`) adopts every orphaned descendant (it is
  a "child subreaper"), and on a stop signal, or when it ends, it stops all its descendants.
- Each process the build starts asks the kernel to kill it when its parent dies
  (:func:`die_with_parent`), and to do the same for every process it forks (:func:`tie_children`),
  so even a build killed with SIGKILL leaves nothing behind.

Linux only (``prctl``); elsewhere these are no-ops and stopping relies on the signal handlers.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_tied = False


def _prctl(option: int, value: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def die_with_parent() -> None:
    """This process is killed when the process (thread) that started it dies."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def tie_children() -> None:
    """This process dies with its parent, and so does every process it forks from now on."""
    global _tied
    die_with_parent()
    if not _tied:
        os.register_at_fork(after_in_child=die_with_parent)
        _tied = True


def descendants(pid: int | None = None) -> list[int]:
    """Every living descendant of ``pid`` (this process by default), from /proc."""
    pid = pid or os.getpid()
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children.get(child, [])
    return found


def _own_trackers() -> set[int]:
    """This process's multiprocessing resource tracker (a child of its own, found by its command
    line): it is left alone, since it ends by itself when this process does (its pipe closes).
    Killed earlier, it is started again by the next clean-up of a worker pool, and the new one
    prints a traceback for every resource it never saw: a stopped build printed five of them."""
    found = set()
    for pid in descendants():
        try:
            status = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        parent = int(status.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"multiprocessing.resource_tracker" in command:
            found.add(pid)
    return found


def end_descendants(grace: float = 2.0) -> None:
    """Ask every descendant to stop, then kill those still running after ``grace`` seconds."""
    if not Path("/proc").is_dir():
        return
    spared = _own_trackers()
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 0.0)):
        alive = [pid for pid in descendants() if pid not in spared]
        for pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while alive and time.monotonic() < deadline and not all(_ignores(pid, sig) for pid in alive):
            time.sleep(0.05)
            _reap()
            alive = [pid for pid in descendants() if pid not in spared]
        _reap()


def _ignores(pid: int, sig: int) -> bool:
    """Whether a process ignores ``sig`` (multiprocessing's resource tracker ignores SIGTERM): there
    is no point in waiting for it to stop, and every build would end two seconds late."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    ignored = next((line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), "0")
    return bool(int(ignored, 16) >> (sig - 1) & 1)


def _reap() -> None:
    """Collect exited children (adopted orphans among them) so they do not linger as zombies."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


class Stopped(KeyboardInterrupt):
    """The build was stopped by a signal; every process it started has been stopped too."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def owned_processes():
    """Run a build as the owner of every process it starts (see the module's docstring)."""
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)

    def stop(signum, frame):
        end_descendants(grace=1.0)
        raise Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        end_descendants()
