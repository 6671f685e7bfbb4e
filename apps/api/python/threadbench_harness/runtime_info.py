"""What interpreter is running: implementation, version and the state of the GIL."""

from __future__ import annotations

import os
import platform
import sys
import sysconfig
from typing import Any, Dict, Mapping, Optional

from threadbench_harness import PROTOCOL_VERSION


def free_threaded_build(sysconfig_module: Any = sysconfig) -> bool:
    """True for a free-threaded (PEP 703, "t") build: Py_GIL_DISABLED is set at compile time."""
    return bool(sysconfig_module.get_config_var("Py_GIL_DISABLED"))


def gil_enabled(
    sys_module: Any = sys,
    sysconfig_module: Any = sysconfig,
    environ: Optional[Mapping[str, str]] = None,
) -> bool:
    """Whether the GIL is enabled right now.

    sys._is_gil_enabled() (3.13+) is the truth: it already reflects PYTHON_GIL and
    `-X gil`, and also the GIL being switched back on at run time when a C extension
    without free-threading support is imported. Older interpreters have no such function
    and always have a GIL. A free-threaded build without the function (none released so
    far) falls back to PYTHON_GIL, whose "1" forces the GIL on.
    """
    probe = getattr(sys_module, "_is_gil_enabled", None)
    if callable(probe):
        return bool(probe())
    if not free_threaded_build(sysconfig_module):
        return True
    environ = os.environ if environ is None else environ
    return environ.get("PYTHON_GIL", "").strip() == "1"


def runtime_info(environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """The interpreter as threadbench records it on the testbed."""
    environ = os.environ if environ is None else environ
    return {
        "protocolVersion": PROTOCOL_VERSION,
        # "cpython", "pypy", ...: lower case, as testbed runtimes are named.
        "implementation": platform.python_implementation().lower(),
        "version": platform.python_version(),
        "gilEnabled": gil_enabled(environ=environ),
        "freeThreadedBuild": free_threaded_build(),
        "executable": sys.executable,
        # What the user asked for, next to what the interpreter did (gilEnabled).
        "pythonGil": environ.get("PYTHON_GIL"),
        "switchIntervalMs": sys.getswitchinterval() * 1000.0,
        "cpuCount": os.cpu_count(),
        "pid": os.getpid(),
    }
