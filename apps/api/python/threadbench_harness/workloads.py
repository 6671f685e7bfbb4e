"""The article's four experiments, computing exactly what the Node workloads compute.

Each mirrors its twin in packages/workloads/src/<id>.ts: the same parameters (names,
defaults, bounds), the same units of work (so the ranges threadbench splits for weak and
strong scaling mean the same thing), the same order of floating-point operations and
the same checksum text. A test runs both and compares the checksums.

The loops are written the way the article writes them (plain Python, locals bound for
speed) because they are the thing being measured: no numpy, no C helpers.
"""

from __future__ import annotations

import itertools
import math
import threading
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from threadbench_harness.js_format import number_to_string, to_fixed


class Parameter(NamedTuple):
    name: str
    default: int
    minimum: int
    maximum: int
    unit: str
    description: str


class TaskContext(NamedTuple):
    """What a task knows about its repetition (TaskContext in packages/workloads)."""

    task_index: int
    # Tasks of the repetition running at the same time: 1 sequentially, N in threading.
    parties: int
    shared: Any


class ParameterProblem(ValueError):
    """Parameters that do not fit; the message names the field and what is allowed."""


def _is_integral(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


class Workload:
    """One experiment: parameters, units of work, one task over a unit range, the checksum."""

    def __init__(
        self,
        workload_id: str,
        parameters: Sequence[Parameter],
        units: Callable[[Dict[str, int]], int],
        run_task: Callable[[Dict[str, int], int, int, TaskContext], Any],
        combine: Callable[[Dict[str, int], List[Any], Any], Tuple[str, Optional[List[Dict[str, Any]]]]],
        create_shared: Optional[Callable[[Dict[str, int], int], Any]] = None,
    ) -> None:
        self.id = workload_id
        self.parameters = list(parameters)
        self.units = units
        self.run_task = run_task
        self.combine = combine
        self.create_shared = create_shared

    @property
    def requires_shared_memory(self) -> bool:
        return self.create_shared is not None

    def parse_parameters(self, raw: Dict[str, Any]) -> Dict[str, int]:
        """Defaults filled, unknown names and out-of-range values rejected (as parseParameters)."""
        if not isinstance(raw, dict):
            raise ParameterProblem("params: expected an object of name: value")
        known = {parameter.name: parameter for parameter in self.parameters}
        problems = []
        for name in raw:
            if name not in known:
                problems.append(
                    'params.%s: unknown parameter "%s"; %s accepts %s'
                    % (name, name, self.id, ", ".join(known))
                )
        parsed = {}
        for parameter in self.parameters:
            value = raw.get(parameter.name, parameter.default)
            if not _is_integral(value):
                problems.append(
                    "params.%s: %r is not an integer (allowed: an integer from %d to %d %s)"
                    % (parameter.name, value, parameter.minimum, parameter.maximum, parameter.unit)
                )
                continue
            value = int(value)
            if not parameter.minimum <= value <= parameter.maximum:
                problems.append(
                    "params.%s: %d is out of range (allowed: an integer from %d to %d %s)"
                    % (parameter.name, value, parameter.minimum, parameter.maximum, parameter.unit)
                )
                continue
            parsed[parameter.name] = value
        if problems:
            raise ParameterProblem("; ".join(problems))
        return parsed

    def describe(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "requiresSharedMemory": self.requires_shared_memory,
            "parameters": [parameter._asdict() for parameter in self.parameters],
        }


# ---- sum-squares -------------------------------------------------------------------


def _sum_squares_task(params: Dict[str, int], start: int, end: int, context: TaskContext) -> int:
    # The article's cpu_work(n) = sum(i * i for i in range(n)), over this task's range.
    # Python integers are exact, which the Node twin needs two words of doubles for.
    return sum(i * i for i in range(start, end))


def _sum_squares_combine(params, partials, shared):
    return str(sum(partials)), None


SUM_SQUARES = Workload(
    "sum-squares",
    # 2^26 keeps the Node twin's arithmetic exact; the same bound keeps plans comparable.
    [Parameter("n", 5_000_000, 1, 2**26, "iterations", "Sum i*i for 0 <= i < n")],
    units=lambda params: params["n"],
    run_task=_sum_squares_task,
    combine=_sum_squares_combine,
)


# ---- sqrt-log ----------------------------------------------------------------------


def _sqrt_log_task(params: Dict[str, int], start: int, end: int, context: TaskContext) -> float:
    sqrt = math.sqrt
    log = math.log
    total = 0.0
    # Unit u is i = u + 1. A plain loop, never sum(): from 3.12 sum() of floats is
    # compensated (Neumaier) and would not add in the order the Node twin adds.
    # V8 computes log with fdlibm and CPython with the C library; they differ in the last
    # bit for about 1% of integers. The running sum almost always absorbs that (every
    # weak-scaling size checked agrees with Node), but a strong-scaling chunk whose sum is
    # still small can keep it: its checksum then ends one unit in the last place apart
    # from Node's (src/runner/python/parity.test.ts measures how often). Modes of one run
    # all use this log, so they agree with their own baseline exactly.
    for i in range(start + 1, end + 1):
        total += sqrt(i) + log(i)
    return total


def _sqrt_log_combine(params, partials, shared):
    total = 0.0
    for partial in partials:
        total += partial
    return number_to_string(total), None


SQRT_LOG = Workload(
    "sqrt-log",
    [Parameter("n", 500_000, 2, 100_000_000, "iterations", "Sum sqrt(i) + log(i) for 1 <= i < n")],
    units=lambda params: params["n"] - 1,
    run_task=_sqrt_log_task,
    combine=_sqrt_log_combine,
)


# ---- image-analysis ----------------------------------------------------------------

# The sharpness score looks at the first pixels only, like a quick focus check.
SHARPNESS_PIXELS = 10_000


def _image_analysis_task(params: Dict[str, int], start: int, end: int, context: TaskContext):
    sin = math.sin
    cos = math.cos
    limit = min(SHARPNESS_PIXELS, params["width"] * params["height"])
    brightness_sum = 0.0
    # Pixel i of the simulated image: r = 73i, g = 137i, b = 199i (mod 256); the same
    # operations in the same order as the Node twin, so the float sums agree bit for bit.
    for i in range(start, end):
        brightness_sum += 0.299 * ((i * 73) % 256) + 0.587 * ((i * 137) % 256) + 0.114 * ((i * 199) % 256)
    sharpness_end = min(end, limit)
    sharpness_sum = 0.0
    for i in range(start, sharpness_end):
        sharpness_sum += abs(sin(0.1 * i) * cos(0.07 * i))
    return (brightness_sum, end - start, sharpness_sum, max(0, sharpness_end - start))


def _image_analysis_combine(params, partials, shared):
    brightness_sum = 0.0
    pixels = 0
    sharpness_sum = 0.0
    sharpness_pixels = 0
    for partial_brightness, partial_pixels, partial_sharpness, partial_sharpness_pixels in partials:
        brightness_sum += partial_brightness
        pixels += partial_pixels
        sharpness_sum += partial_sharpness
        sharpness_pixels += partial_sharpness_pixels
    brightness = brightness_sum / pixels if pixels > 0 else 0.0
    sharpness = sharpness_sum / sharpness_pixels if sharpness_pixels > 0 else 0.0
    return "brightness=%s;sharpness=%s" % (to_fixed(brightness, 9), to_fixed(sharpness, 9)), None


IMAGE_ANALYSIS = Workload(
    "image-analysis",
    [
        Parameter("width", 800, 1, 8192, "pixels", "Width of the simulated image"),
        Parameter("height", 600, 1, 8192, "pixels", "Height of the simulated image"),
    ],
    units=lambda params: params["width"] * params["height"],
    run_task=_image_analysis_task,
    combine=_image_analysis_combine,
)


# ---- shared-counter ----------------------------------------------------------------

# Longest a task waits at a phase's start barrier before going on alone: never hang.
BARRIER_TIMEOUT_SECONDS = 2.0


class SharedCounters:
    """One repetition's shared state: a counter per variant and a start barrier per phase."""

    def __init__(self, parties: int) -> None:
        # A one-element list: `cell[0] = cell[0] + 1` is a read and a separate write.
        self.unsafe = [0]
        # next() on itertools.count is the standard library's atomic increment: under the
        # GIL, and in free-threaded builds since 3.13 (compare-and-swap, CPython gh-117657).
        self.atomic = itertools.count()
        self.lock = threading.Lock()
        self.locked = [0]
        self.barriers = [threading.Barrier(parties) for _ in range(3)]


def _await_parties(barrier: threading.Barrier) -> None:
    try:
        barrier.wait(BARRIER_TIMEOUT_SECONDS)
    except threading.BrokenBarrierError:
        # A party that never came (or timed out): go on alone, as the Node twin does.
        pass


def _shared_counter_task(params: Dict[str, int], start: int, end: int, context: TaskContext) -> int:
    shared = context.shared
    if shared is None:
        raise ValueError("shared-counter: the repetition's shared counters are required")
    count = end - start

    _await_parties(shared.barriers[0])
    cell = shared.unsafe
    for _ in range(count):
        # A plain read-modify-write: another thread can write between the read and the
        # write, and its update is lost. That is the point of the demo. With the GIL a
        # thread switch only happens between loop iterations, so nothing is lost; without
        # it, threads really interleave here.
        seen = cell[0]
        cell[0] = seen + 1

    _await_parties(shared.barriers[1])
    advance = shared.atomic.__next__
    for _ in range(count):
        advance()

    _await_parties(shared.barriers[2])
    lock = shared.lock
    locked = shared.locked
    for _ in range(count):
        with lock:
            locked[0] = locked[0] + 1
    return count


def _shared_counter_combine(params, partials, shared):
    expected = sum(partials)
    # The next value a count hands out is how many it handed out before.
    observed = {"unsafe": shared.unsafe[0], "atomic": next(shared.atomic), "lock": shared.locked[0]}
    report = [
        {"variant": variant, "expected": expected, "observed": value, "lostUpdates": expected - value}
        for variant, value in observed.items()
    ]
    # The unsafe total depends on scheduling; only the synchronised variants are
    # deterministic, so only they make up the checksum (as in the Node twin).
    return "atomic=%d;lock=%d" % (observed["atomic"], observed["lock"]), report


SHARED_COUNTER = Workload(
    "shared-counter",
    [
        Parameter(
            "increments",
            100_000,
            1,
            100_000_000,
            "increments",
            "Increments per task, in each of the three variants",
        )
    ],
    units=lambda params: params["increments"],
    run_task=_shared_counter_task,
    combine=_shared_counter_combine,
    create_shared=lambda params, parties: SharedCounters(parties),
)


WORKLOADS: Dict[str, Workload] = {
    workload.id: workload for workload in (SUM_SQUARES, SQRT_LOG, IMAGE_ANALYSIS, SHARED_COUNTER)
}
