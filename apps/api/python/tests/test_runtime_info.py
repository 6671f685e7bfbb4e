"""GIL and build detection, without needing a free-threaded interpreter.

The detection functions take the sys and sysconfig modules and the environment as
arguments, so every combination a real 3.13t/3.14t can present is checked here with
stand-ins; one test also patches the real sys module, and one starts a real python3
with PYTHON_GIL set.
"""

import json
import os
import subprocess
import sys
import unittest
from types import SimpleNamespace
from unittest import mock

from threadbench_harness import runtime_info as info

HARNESS_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fake_sysconfig(gil_disabled):
    return SimpleNamespace(get_config_var=lambda name: gil_disabled if name == "Py_GIL_DISABLED" else None)


class FreeThreadedBuildTest(unittest.TestCase):
    def test_a_build_with_py_gil_disabled_1_is_free_threaded(self):
        self.assertTrue(info.free_threaded_build(fake_sysconfig(1)))

    def test_a_build_without_the_variable_or_with_0_has_a_gil(self):
        self.assertFalse(info.free_threaded_build(fake_sysconfig(None)))
        self.assertFalse(info.free_threaded_build(fake_sysconfig(0)))


class GilEnabledTest(unittest.TestCase):
    def test_an_interpreter_without_is_gil_enabled_has_a_gil(self):
        # 3.8 to 3.12 and GIL builds of 3.13+ before the probe: always a GIL.
        self.assertTrue(info.gil_enabled(SimpleNamespace(), fake_sysconfig(None), {}))

    def test_is_gil_enabled_is_the_truth_when_it_exists(self):
        for state in (True, False):
            fake_sys = SimpleNamespace(_is_gil_enabled=lambda state=state: state)
            # Whatever PYTHON_GIL says: the probe already reflects it.
            self.assertEqual(info.gil_enabled(fake_sys, fake_sysconfig(1), {"PYTHON_GIL": "1"}), state)
            self.assertEqual(info.gil_enabled(fake_sys, fake_sysconfig(1), {"PYTHON_GIL": "0"}), state)

    def test_a_free_threaded_build_without_the_probe_honours_python_gil(self):
        free_threaded = fake_sysconfig(1)
        self.assertFalse(info.gil_enabled(SimpleNamespace(), free_threaded, {}))
        self.assertFalse(info.gil_enabled(SimpleNamespace(), free_threaded, {"PYTHON_GIL": "0"}))
        self.assertTrue(info.gil_enabled(SimpleNamespace(), free_threaded, {"PYTHON_GIL": "1"}))
        self.assertTrue(info.gil_enabled(SimpleNamespace(), free_threaded, {"PYTHON_GIL": " 1 "}))

    def test_the_real_sys_module_is_read_when_patched(self):
        with mock.patch.object(sys, "_is_gil_enabled", lambda: False, create=True):
            self.assertFalse(info.gil_enabled())
            self.assertFalse(info.runtime_info()["gilEnabled"])
        with mock.patch.object(sys, "_is_gil_enabled", lambda: True, create=True):
            self.assertTrue(info.gil_enabled())


class RuntimeInfoTest(unittest.TestCase):
    def test_describes_this_interpreter(self):
        described = info.runtime_info({})
        self.assertEqual(described["implementation"], "cpython")
        self.assertRegex(described["version"], r"^\d+\.\d+\.\d+")
        self.assertEqual(described["executable"], sys.executable)
        self.assertIsNone(described["pythonGil"])
        self.assertIsInstance(described["gilEnabled"], bool)
        self.assertIsInstance(described["freeThreadedBuild"], bool)

    def test_python_gil_is_recorded_from_a_real_interpreter_started_with_it(self):
        # On a GIL build PYTHON_GIL=1 is accepted (3.13+) or ignored (older): either way
        # the GIL is on, and the request is recorded next to what the interpreter did.
        environment = dict(os.environ, PYTHON_GIL="1", PYTHONPATH=HARNESS_ROOT)
        output = subprocess.run(
            [sys.executable, "-m", "threadbench_harness", "--describe"],
            env=environment,
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
        runtime = json.loads(output.decode("utf-8"))["runtime"]
        self.assertEqual(runtime["pythonGil"], "1")
        if not runtime["freeThreadedBuild"]:
            self.assertTrue(runtime["gilEnabled"])


if __name__ == "__main__":
    unittest.main()
