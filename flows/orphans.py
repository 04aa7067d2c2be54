"""Processes zwgk starts die with the run that started them: a SIGKILLed crawl leaves nothing running."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time

_PR_SET_PDEATHSIG = 1


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped (a killed run stays one until its own parent waits for it)."""
    try:
        stat = open(f"/proc/{pid}/stat", encoding="ascii", errors="replace").read()  # noqa: SIM115
    except FileNotFoundError:
        return False
    except OSError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 0)
            return True
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def die_with(pid: int, grace_s: float) -> None:
    """Shut down when process `pid` is gone: the kernel's parent-death signal when `pid` is our parent (it follows
    the thread that started us, and is lost if the parent died first), and a watch on `pid` as the backstop (also
    for workers whose parent is a fork server, not the run). SIGTERM first, for a clean exit; then exit anyway."""
    child_of_run = os.getppid() == pid
    if child_of_run:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    def watch() -> None:
        while _alive(pid) and (not child_of_run or os.getppid() == pid):
            time.sleep(0.25)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace_s)
        os._exit(1)

    threading.Thread(target=watch, name="run-watch", daemon=True).start()
