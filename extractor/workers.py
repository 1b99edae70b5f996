"""Worker processes with caps: one design for several packets at once and for a PDF's pages.

A `Pool` forks worker processes that run one function over tasks and send back results in
task order. Each task may be given a time cap (the parent stops every worker when a task
runs past it) and each worker a memory cap (its address space may grow by at most that
much). Leaving the pool, normally or by an error, SIGTERM or Ctrl-C, stops every worker at
once. With fork, a worker starts with what the parent already holds (imported modules, the
bytes of the file being read) without copying or re-reading it.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
RESERVE = 8 * 1024 * 1024
# What a native library raises in place of MemoryError when an allocation fails under the
# cap: OpenCV's "(-4:Insufficient memory)" and "std::bad_alloc", a Rust or C library's
# "Cannot allocate memory" (sudachipy loading its dictionary).
NO_MEMORY = ("Insufficient memory", "bad_alloc", "Cannot allocate memory")
PR_SET_PDEATHSIG = 1  # prctl(2)
# How a forked worker ends when glibc's dynamic linker cannot go on. Under a memory cap, the
# end seen is a native library's new thread (OpenCV's, onnxruntime's) whose thread-local data
# could not be allocated ("cannot allocate memory for thread-local data: ABORT", then _exit).
LINKER_EXIT = 127
# How long a worker has to stop after SIGTERM, and to be reaped after SIGKILL.
STOP_SECONDS = 1.0


class TaskTimeout(Exception):
    """A task ran past its time cap."""

    def __init__(self, index: int, seconds: float) -> None:
        super().__init__(f"task {index} ran past {seconds:g} s")
        self.index, self.seconds = index, seconds


class TaskOutOfMemory(Exception):
    """A task needed more memory than its worker's cap."""

    def __init__(self, index: int) -> None:
        super().__init__(f"task {index} ran out of memory")
        self.index = index


class TaskFailed(Exception):
    """A task raised an exception in its worker; it is re-raised here with its traceback."""

    def __init__(self, index: int, error: BaseException, details: str) -> None:
        super().__init__(str(error))
        self.index, self.error, self.details = index, error, details


class WorkerDied(Exception):
    """A worker ended without answering (killed, or crashed)."""

    def __init__(self, index: int, exitcode: int | None) -> None:
        super().__init__(f"the worker of task {index} ended (exit code {exitcode})")
        self.index, self.exitcode = index, exitcode


class Overtime(Exception):
    """A run went past its time budget (`within`)."""


@contextlib.contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Run a block within a time budget: past it, `Overtime` is raised wherever the block
    is (workers it started are stopped as their pool unwinds). Needs the main thread and
    SIGALRM; elsewhere the block runs unbounded."""
    if (
        seconds is None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def overtime(signum: int, frame: object) -> None:
        raise Overtime

    previous = signal.signal(signal.SIGALRM, overtime)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extend(seconds: float) -> None:
    """Add seconds to the time budget of the `within` block running, if any: a reader that
    learns how much work a file holds (a scan's pages) allows for it."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return
    left, _interval = signal.getitimer(signal.ITIMER_REAL)
    if left > 0:
        signal.setitimer(signal.ITIMER_REAL, left + seconds)


@dataclass
class Caps:
    """Limits for each task and worker: seconds per task, extra bytes of memory per worker."""

    task_seconds: float | None = None
    memory_bytes: int | None = None


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as stream:
            return int(stream.read().split()[0]) * PAGE_SIZE
    except OSError:
        return 0


def _limit_memory(extra: int | None) -> None:
    if extra is None:
        return
    limit = _address_space() + extra
    with contextlib.suppress(ValueError, OSError):  # a platform without address-space limits
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def out_of_memory(exc: BaseException) -> bool:
    """Whether an exception says an allocation failed: MemoryError, an OS error ENOMEM, or
    a native library's words for it (NO_MEMORY)."""
    if isinstance(exc, MemoryError) or (isinstance(exc, OSError) and exc.errno == errno.ENOMEM):
        return True
    return any(words in str(exc) for words in NO_MEMORY)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this process when its parent dies, so a worker never
    outlives the run that started it."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _serve(
    connection: Connection,
    function: Callable[[Any], Any],
    setup: Callable[[], None] | None,
    memory: int | None,
    others: list[Connection],
) -> None:
    """A worker's loop: take (index, task), answer ("ok" | "error" | "memory", index, …)."""
    _die_with_parent()
    gc.enable()  # the launcher paused collection while the modules loaded
    for other in others:  # the parent's ends of its other workers' pipes, copied by fork
        other.close()
    # Stopped by the parent with SIGTERM: unwind, so that pools of our own stop too.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us; Ctrl-C is its to handle
    with open(os.devnull, "w") as quiet:  # a worker's own noise never reaches the user:
        os.dup2(quiet.fileno(), 2)  # what went wrong comes back through the pipe
    # Memory kept aside, freed when a task runs out, so the answer can still be sent.
    reserve = [bytearray(RESERVE)]
    try:
        if setup is not None:
            setup()  # before the cap: what a worker loads once (a model) is its start
        _limit_memory(memory)
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                return
            if message is None:
                return
            index, task = message
            try:
                answer: tuple[Any, ...] = ("ok", index, function(task))
            except Exception as exc:
                if out_of_memory(exc):
                    reserve.clear()
                    answer = ("memory", index)
                else:
                    answer = ("error", index, exc, traceback.format_exc())
            try:
                connection.send(answer)
            except MemoryError:
                reserve.clear()
                connection.send(("memory", index))
            except Exception as exc:  # an answer that cannot be pickled
                connection.send(("error", index, RuntimeError(repr(exc)), traceback.format_exc()))
    finally:
        connection.close()


@dataclass
class _Worker:
    process: Any
    connection: Connection
    task: int | None = None
    started: float = 0.0


class Pool(Generic[Task, Result]):
    """Forked workers running `function` over tasks, with caps; use as a context manager."""

    def __init__(
        self,
        function: Callable[[Task], Result],
        processes: int,
        caps: Caps | None = None,
        setup: Callable[[], None] | None = None,
    ) -> None:
        self.function, self.setup = function, setup
        self.processes = max(1, processes)
        self.caps = caps or Caps()
        self.workers: list[_Worker] = []

    def __enter__(self) -> Pool[Task, Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.terminate()

    def _start(self) -> _Worker:
        context: Any = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(
                child,
                self.function,
                self.setup,
                self.caps.memory_bytes,
                [w.connection for w in self.workers] + [parent],
            ),
            daemon=False,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def terminate(self) -> None:
        """Stop every worker at once: SIGTERM (a worker stops the pools it runs in turn),
        then SIGKILL for any still running a moment later."""
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for signal_sent in ("term", "kill"):
            deadline = time.monotonic() + STOP_SECONDS
            while any(w.process.is_alive() for w in self.workers):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            if signal_sent == "term":
                for worker in self.workers:
                    if worker.process.is_alive():
                        worker.process.kill()
        for worker in self.workers:
            worker.connection.close()
        self.workers = []

    def map(self, tasks: Iterable[Task]) -> Iterator[Result]:
        """Given tasks, yield their results in task order; raise at the first task that fails
        (TaskFailed, TaskTimeout, TaskOutOfMemory, WorkerDied), stopping every worker. Read
        it to its end: closed before (`next` on it, then dropped), it stops every worker."""
        pending = list(enumerate(tasks))
        pending.reverse()
        if not pending:
            return
        while len(self.workers) < min(self.processes, len(pending)):
            self._start()
        done: dict[int, Result] = {}
        following = 0
        total = len(pending)
        try:
            while following < total:
                for worker in self.workers:
                    if worker.task is None and pending:
                        index, task = pending.pop()
                        worker.connection.send((index, task))
                        worker.task, worker.started = index, time.monotonic()
                self._collect(done)
                while following in done:
                    yield done.pop(following)
                    following += 1
        except BaseException:
            self.terminate()
            raise

    def _collect(self, done: dict[int, Result]) -> None:
        busy = [w for w in self.workers if w.task is not None]
        timeout = None
        if self.caps.task_seconds is not None:
            now = time.monotonic()
            timeout = max(0.0, min(w.started + self.caps.task_seconds - now for w in busy))
        ready = wait([w.connection for w in busy], timeout=timeout)
        if not ready:
            late = min(busy, key=lambda w: w.started)
            assert late.task is not None and self.caps.task_seconds is not None
            self.terminate()
            raise TaskTimeout(late.task, self.caps.task_seconds)
        for worker in busy:
            if worker.connection not in ready:
                continue
            index = worker.task
            assert index is not None
            try:
                answer = worker.connection.recv()
            except (EOFError, OSError):
                worker.process.join(timeout=5)
                code = worker.process.exitcode
                self.terminate()
                # Killed (the kernel's OOM killer), or, under a memory cap, ended by an error
                # it could not even report or by the dynamic linker: out of memory.
                if code == -signal.SIGKILL or (code in (1, LINKER_EXIT) and self.caps.memory_bytes):
                    raise TaskOutOfMemory(index) from None
                raise WorkerDied(index, code) from None
            worker.task = None
            if answer[0] == "ok":
                done[index] = answer[2]
            elif answer[0] == "memory":
                self.terminate()
                raise TaskOutOfMemory(index)
            else:
                self.terminate()
                raise TaskFailed(index, answer[2], answer[3])
