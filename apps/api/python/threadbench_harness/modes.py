"""The three ways a repetition's tasks run: sequential, threading, multiprocessing.

Each returns the same record: wall time of the whole repetition, CPU time, each task's
own duration (measured where it ran) and the tasks' partial results in task order. The
checksum and the statistics are made elsewhere (server.py, and threadbench on the Node
side), so every mode is timed by the same few lines.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from multiprocessing.connection import Connection, wait
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from threadbench_harness.workloads import WORKLOADS, TaskContext, Workload

Range = Tuple[int, int]


class Repetition(NamedTuple):
    wall_ms: float
    cpu_ms: Optional[float]
    task_durations_ms: List[float]
    partials: List[Any]


class TaskFailed(RuntimeError):
    """A task raised: the message carries its traceback."""


def _timed_task(workload: Workload, params: Dict[str, int], task_range: Range, context: TaskContext):
    started = time.perf_counter()
    partial = workload.run_task(params, task_range[0], task_range[1], context)
    return partial, (time.perf_counter() - started) * 1000.0


def run_sequential(
    workload: Workload, params: Dict[str, int], ranges: Sequence[Range], shared: Any
) -> Repetition:
    """The tasks back to back on this thread: every other mode's baseline."""
    partials: List[Any] = []
    durations: List[float] = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    for index, task_range in enumerate(ranges):
        partial, duration_ms = _timed_task(workload, params, task_range, TaskContext(index, 1, shared))
        partials.append(partial)
        durations.append(duration_ms)
    wall_ms = (time.perf_counter() - started) * 1000.0
    return Repetition(wall_ms, (time.process_time() - cpu_started) * 1000.0, durations, partials)


def run_threading(
    workload: Workload, params: Dict[str, int], ranges: Sequence[Range], shared: Any
) -> Repetition:
    """One threading.Thread per task, started together and joined: the article's experiment.

    Threads are created inside the timed region, as the article's code does; starting a
    thread costs tens of microseconds against tasks of tens of milliseconds and more.
    """
    count = len(ranges)
    results: List[Any] = [None] * count
    failures: List[Optional[str]] = [None] * count

    def body(index: int) -> None:
        try:
            results[index] = _timed_task(
                workload, params, ranges[index], TaskContext(index, count, shared)
            )
        except BaseException:  # noqa: B902 - reported to the caller, never swallowed
            failures[index] = traceback.format_exc()

    threads = [
        threading.Thread(target=body, args=(index,), name="threadbench-task-%d" % index, daemon=True)
        for index in range(count)
    ]
    # process_time() covers every thread of the process: the CPU the repetition used.
    cpu_started = time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_ms = (time.perf_counter() - started) * 1000.0
    cpu_ms = (time.process_time() - cpu_started) * 1000.0
    for index, failure in enumerate(failures):
        if failure is not None:
            raise TaskFailed("task %d failed:\n%s" % (index, failure))
    return Repetition(
        wall_ms, cpu_ms, [result[1] for result in results], [result[0] for result in results]
    )


def pool_member_main(connection: Connection) -> None:
    """A process of the pool: runs one task per message until told to stop."""
    connection.send(("ready", os.getpid()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return  # the harness went away
        if message is None:
            return
        workload_id, params, start, end, task_index = message
        try:
            cpu_started = time.process_time()
            partial, duration_ms = _timed_task(
                WORKLOADS[workload_id], params, (start, end), TaskContext(task_index, 1, None)
            )
            cpu_ms = (time.process_time() - cpu_started) * 1000.0
            connection.send(("ok", partial, duration_ms, cpu_ms))
        except BaseException:  # noqa: B902 - sent back to the harness
            connection.send(("error", traceback.format_exc()))


class ProcessPool:
    """N spawned interpreters, task i always on process i: the multiprocessing row.

    Written on multiprocessing.Process and Pipe rather than multiprocessing.Pool because
    Pool hands tasks to whichever worker asks first: a process still starting up would
    let another take two tasks, and the repetition would measure that instead. The start
    method is "spawn" (fresh interpreters, like Node's child processes): fork is unsafe
    in a process that has run threads and stops being Linux's default in 3.14.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("processes: allowed: an integer from 1")
        context = multiprocessing.get_context("spawn")
        self.members: List[Tuple[Any, Connection]] = []
        started = time.perf_counter()
        try:
            for index in range(size):
                parent_end, child_end = context.Pipe(duplex=True)
                process = context.Process(
                    target=pool_member_main,
                    args=(child_end,),
                    name="threadbench-process-%d" % index,
                    daemon=True,
                )
                process.start()
                child_end.close()
                self.members.append((process, parent_end))
            for process, connection in self.members:
                self._receive(process, connection)
        except BaseException:
            self.close()
            raise
        # Spawning and importing: kept out of the timings, reported as the cell's setup.
        self.setup_ms = (time.perf_counter() - started) * 1000.0

    @staticmethod
    def _receive(process: Any, connection: Connection) -> Any:
        try:
            return connection.recv()
        except (EOFError, OSError):
            process.join(1.0)
            raise TaskFailed(
                "multiprocessing process %s exited (exit code %s)" % (process.pid, process.exitcode)
            )

    def run(self, workload: Workload, params: Dict[str, int], ranges: Sequence[Range]) -> Repetition:
        if len(ranges) != len(self.members):
            raise ValueError(
                "ranges: %d tasks for a pool of %d processes (allowed: one task per process)"
                % (len(ranges), len(self.members))
            )
        started = time.perf_counter()
        for index, ((_, connection), task_range) in enumerate(zip(self.members, ranges)):
            connection.send((workload.id, params, task_range[0], task_range[1], index))
        replies: Dict[int, Any] = {}
        by_connection = {id(connection): index for index, (_, connection) in enumerate(self.members)}
        pending = [connection for _, connection in self.members]
        while pending:
            for connection in wait(pending):
                index = by_connection[id(connection)]
                replies[index] = self._receive(self.members[index][0], connection)
                pending.remove(connection)
        wall_ms = (time.perf_counter() - started) * 1000.0
        partials: List[Any] = []
        durations: List[float] = []
        cpu_ms = 0.0
        for index in range(len(self.members)):
            reply = replies[index]
            if reply[0] != "ok":
                raise TaskFailed("task %d failed in process %s:\n%s" % (index, self.members[index][0].pid, reply[1]))
            partials.append(reply[1])
            durations.append(reply[2])
            cpu_ms += reply[3]
        # CPU time of the tasks in their processes, summed (as for Node's child processes).
        return Repetition(wall_ms, cpu_ms, durations, partials)

    def close(self) -> None:
        for process, connection in self.members:
            try:
                connection.send(None)
            except (OSError, ValueError):
                pass
        for process, connection in self.members:
            process.join(2.0)
            if process.is_alive():
                process.kill()
                process.join(1.0)
            connection.close()
        self.members = []
