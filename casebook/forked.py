"""Part of a build's work done in a forked child process while this one does the rest.

A build forks twice. First a child reads the survey, importing pandas to do it (~0.4 s, more than the rest of the
build's work), while this process reads everything else and, waiting, renders the pages that need no survey
(`meanwhile`). Then a child renders some of the remaining pages while this process renders others and makes the
other files. fork() gives the child everything the parent has loaded and checked, with nothing to re-import or
send over. The child's result comes back pickled through a pipe.

Fork is used only where it is known to be sound: on Linux, in a process with no other Python thread (a thread
holding a lock at the fork would leave that lock held forever in the child). `build.py serve` renders from its
own threads and so never forks. Anywhere else, and whenever the child fails, dies or is far slower than the
parent, its part is done in this process instead: the result is the same, only slower, and an error in that
part is raised here exactly as it would be without a child.
"""
from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import sys
import threading
import time
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
U = TypeVar("U")

# The child gets at least this long after the parent's own part is done, and at least PATIENCE times as long
# as that part took: its part is about as big, so only a stuck child (or a machine stalled for minutes) waits it out.
AT_LEAST_S = 30.0
PATIENCE = 4.0
_DONE = object()


def fork_usable() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def processes_for_build() -> int:
    """2 where a second core and a sound fork are there, else 1."""
    return 2 if fork_usable() and (os.cpu_count() or 1) >= 2 else 1


def in_two_processes(theirs: Callable[[], T], mine: Callable[[], U], at_least_s: float = AT_LEAST_S,
                     patience: float = PATIENCE, meanwhile: Callable[[U], Iterable[object]] | None = None
                     ) -> tuple[T, U]:
    """(theirs(), mine()), theirs() computed in a forked child while mine() runs here. Its result must pickle.
    *meanwhile*: work for this process while it would otherwise wait for the child, given mine()'s result and
    done in steps; each step is taken only while the child has not yet begun to send its result (a step begun
    is finished first). Without a child there is nothing to wait for, and none of it is done."""
    if not fork_usable():
        own = mine()
        return theirs(), own
    for stream in (sys.stdout, sys.stderr):  # else the child would hold, and might write, a copy of what is buffered
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    read_end, write_end = os.pipe()
    gc.freeze()
    pid = os.fork()
    if pid == 0:  # the child: its result or nothing, then gone without running the parent's exit handlers
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(theirs(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        except BaseException:  # the parent does this part again and reports the error
            pass
        finally:
            os._exit(code)
    os.close(write_end)
    gc.unfreeze()
    try:
        started = time.monotonic()
        own = mine()
        took = time.monotonic() - started
        if meanwhile is not None:
            steps = iter(meanwhile(own))
            try:
                while not select.select([read_end], [], [], 0)[0] and next(steps, _DONE) is not _DONE:
                    pass
            finally:
                getattr(steps, "close", lambda: None)()  # a generator's own clean-up runs now, not at some later gc
        data = _read_all(read_end, time.monotonic() + max(at_least_s, patience * took))
    except BaseException:
        _stop(pid)
        raise
    finally:
        os.close(read_end)
    if data is None:
        _stop(pid)
        return theirs(), own
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return theirs(), own
    try:
        return pickle.loads(data), own
    except Exception:  # a truncated result, from a child that died while writing: our own bytes, never foreign
        return theirs(), own


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything until the child closes the pipe, or None when the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
