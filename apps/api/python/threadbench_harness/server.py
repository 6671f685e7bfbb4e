"""The pipe protocol: one JSON request per line on stdin, one JSON response per line.

Requests carry an "id" that the response repeats, and an "op":

  hello       -> the interpreter (runtime_info) and the workloads with their parameters
  repeat      -> one repetition of one cell: {workload, params, mode, ranges}
                 returns wallMs, cpuMs, taskDurationsMs, checksum, sharedMemory, gilEnabled
  start-pool  -> {processes}: starts the multiprocessing pool, returns setupMs
  stop-pool   -> stops it
  bare-loop   -> {workload, params, ranges, iterations}: the same tasks in a plain loop,
                 no protocol in between (the benchmark of the harness's own overhead)

A failure answers {"id", "ok": false, "error"} and the harness keeps serving. Anything
printed by a task or a pool process goes to stderr: stdout belongs to the protocol.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from typing import IO, Any, Dict, List, Optional, Tuple

from threadbench_harness.modes import ProcessPool, Repetition, run_sequential, run_threading
from threadbench_harness.runtime_info import gil_enabled, runtime_info
from threadbench_harness.workloads import WORKLOADS, ParameterProblem, TaskContext, Workload

MODES = ("sequential", "threading", "multiprocessing")


class RequestProblem(ValueError):
    """A request that does not fit the protocol; the message names the field."""


def _workload(request: Dict[str, Any]) -> Workload:
    workload_id = request.get("workload")
    workload = WORKLOADS.get(workload_id) if isinstance(workload_id, str) else None
    if workload is None:
        raise RequestProblem(
            'workload: "%s" is not allowed (allowed: %s)' % (workload_id, ", ".join(WORKLOADS))
        )
    return workload


def _ranges(request: Dict[str, Any]) -> List[Tuple[int, int]]:
    raw = request.get("ranges")
    if not isinstance(raw, list) or not raw:
        raise RequestProblem("ranges: expected a non-empty list of [start, end] pairs")
    ranges = []
    for index, pair in enumerate(raw):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(value, int) and not isinstance(value, bool) for value in pair)
            or not 0 <= pair[0] <= pair[1]
        ):
            raise RequestProblem("ranges.%d: expected [start, end] with 0 <= start <= end" % index)
        ranges.append((pair[0], pair[1]))
    return ranges


class Harness:
    def __init__(self) -> None:
        self.pool: Optional[ProcessPool] = None

    def handle(self, request: Dict[str, Any]) -> Dict[str, Any]:
        op = request.get("op")
        if op == "hello":
            return {
                "runtime": runtime_info(),
                "workloads": [workload.describe() for workload in WORKLOADS.values()],
                "modes": list(MODES),
            }
        if op == "repeat":
            return self.repeat(request)
        if op == "start-pool":
            processes = request.get("processes")
            if not isinstance(processes, int) or isinstance(processes, bool) or not 1 <= processes <= 256:
                raise RequestProblem("processes: allowed: an integer from 1 to 256")
            self.stop_pool()
            self.pool = ProcessPool(processes)
            return {"setupMs": self.pool.setup_ms}
        if op == "stop-pool":
            self.stop_pool()
            return {}
        if op == "bare-loop":
            return self.bare_loop(request)
        raise RequestProblem(
            'op: "%s" is not allowed (allowed: hello, repeat, start-pool, stop-pool, bare-loop)' % op
        )

    def repeat(self, request: Dict[str, Any]) -> Dict[str, Any]:
        workload = _workload(request)
        params = workload.parse_parameters(request.get("params", {}))
        ranges = _ranges(request)
        mode = request.get("mode")
        if mode == "multiprocessing" and workload.requires_shared_memory:
            raise RequestProblem(
                "mode: %s needs memory shared between its tasks, which separate processes cannot have"
                % workload.id
            )
        parties = len(ranges) if mode == "threading" else 1
        shared = workload.create_shared(params, parties) if workload.create_shared else None
        repetition: Repetition
        if mode == "sequential":
            repetition = run_sequential(workload, params, ranges, shared)
        elif mode == "threading":
            repetition = run_threading(workload, params, ranges, shared)
        elif mode == "multiprocessing":
            if self.pool is None:
                raise RequestProblem("mode: multiprocessing needs a pool: send start-pool first")
            repetition = self.pool.run(workload, params, ranges)
        else:
            raise RequestProblem('mode: "%s" is not allowed (allowed: %s)' % (mode, ", ".join(MODES)))
        checksum, shared_memory = workload.combine(params, repetition.partials, shared)
        return {
            "wallMs": repetition.wall_ms,
            "cpuMs": repetition.cpu_ms,
            "taskDurationsMs": repetition.task_durations_ms,
            "checksum": checksum,
            "sharedMemory": shared_memory,
            # Re-read after the work: a free-threaded build turns the GIL back on when a
            # C extension without free-threading support is imported.
            "gilEnabled": gil_enabled(),
        }

    def bare_loop(self, request: Dict[str, Any]) -> Dict[str, Any]:
        workload = _workload(request)
        params = workload.parse_parameters(request.get("params", {}))
        ranges = _ranges(request)
        iterations = request.get("iterations")
        if not isinstance(iterations, int) or isinstance(iterations, bool) or not 1 <= iterations <= 1_000_000:
            raise RequestProblem("iterations: allowed: an integer from 1 to 1000000")
        durations = []
        for _ in range(iterations):
            started = time.perf_counter()
            shared = workload.create_shared(params, 1) if workload.create_shared else None
            partials = [
                workload.run_task(params, start, end, TaskContext(index, 1, shared))
                for index, (start, end) in enumerate(ranges)
            ]
            workload.combine(params, partials, shared)
            durations.append((time.perf_counter() - started) * 1000.0)
        return {"durationsMs": durations}

    def stop_pool(self) -> None:
        if self.pool is not None:
            pool, self.pool = self.pool, None
            pool.close()


def _claim_stdout() -> IO[str]:
    """A private copy of stdout for the protocol; fd 1 then points at stderr.

    Pool processes inherit fds 0-2 and a task may print: none of that may land between
    two protocol lines. The private descriptor is not inheritable (PEP 446).
    """
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(protocol_fd, "w", encoding="utf-8", newline="\n")


def serve(requests: IO[str], responses: IO[str]) -> int:
    harness = Harness()
    try:
        for line in requests:
            if not line.strip():
                continue
            request_id: Any = None
            try:
                request = json.loads(line)
                if not isinstance(request, dict):
                    raise RequestProblem("expected one JSON object per line")
                request_id = request.get("id")
                response = {"id": request_id, "ok": True}
                response.update(harness.handle(request))
            except (RequestProblem, ParameterProblem) as problem:
                response = {"id": request_id, "ok": False, "error": str(problem)}
            except Exception as error:  # noqa: BLE001 - the driver fails the cell with it
                response = {
                    "id": request_id,
                    "ok": False,
                    "error": "%s: %s" % (type(error).__name__, error),
                    "traceback": traceback.format_exc(),
                }
            responses.write(json.dumps(response) + "\n")
            responses.flush()
    finally:
        harness.stop_pool()
    return 0


def main(argv: List[str]) -> int:
    if argv == ["--describe"]:
        print(json.dumps({"runtime": runtime_info(), "workloads": [w.describe() for w in WORKLOADS.values()]}))
        return 0
    if argv:
        sys.stderr.write(
            "threadbench harness: unknown arguments %s (allowed: none to serve requests on stdin, or --describe)\n"
            % " ".join(argv)
        )
        return 2
    responses = _claim_stdout()
    return serve(sys.stdin, responses)
