"""threadbench's CPython harness: the free-threading article's four experiments.

The harness runs sum-squares, sqrt-log, image-analysis and shared-counter with the same
parameters and the same checksums as threadbench's Node workloads
(packages/workloads/src), in three modes: sequential, threading (threading.Thread) and
multiprocessing (a pool of spawned processes). threadbench drives it over a pipe, one
JSON object per line (see server.py); the statistics are computed on the Node side.

Standard library only. This file and __main__.py keep to syntax every Python can parse,
so that an interpreter that is too old gets a clear message instead of a SyntaxError.
"""

# Bumped when a request or response changes shape; the driver refuses other versions.
PROTOCOL_VERSION = 1

# The oldest Python the harness supports (the oldest still-used release with
# time.perf_counter, f-strings and the stdlib pieces we use).
MINIMUM_PYTHON = (3, 8)
