"""The experiments on their own: closed forms, chunking, parameters, shared counters."""

import unittest

from threadbench_harness.modes import ProcessPool, run_sequential, run_threading
from threadbench_harness.workloads import WORKLOADS, ParameterProblem, TaskContext


def checksum(workload_id, params, ranges, runner=run_sequential, parties=1):
    workload = WORKLOADS[workload_id]
    parsed = workload.parse_parameters(params)
    shared = workload.create_shared(parsed, parties) if workload.create_shared else None
    repetition = runner(workload, parsed, ranges, shared)
    return workload.combine(parsed, repetition.partials, shared)


def closed_form(n):
    return str((n - 1) * n * (2 * n - 1) // 6)


class SumSquaresTest(unittest.TestCase):
    def test_matches_the_closed_form(self):
        for n in (1, 2, 3, 10, 1000, 65537):
            self.assertEqual(checksum("sum-squares", {"n": n}, [(0, n)])[0], closed_form(n))

    def test_chunks_add_up_to_the_whole(self):
        n = 100_000
        chunks = [(0, 33_333), (33_333, 66_666), (66_666, n)]
        self.assertEqual(checksum("sum-squares", {"n": n}, chunks)[0], closed_form(n))

    def test_threading_computes_what_sequential_computes(self):
        ranges = [(0, 20_000)] * 3
        self.assertEqual(
            checksum("sum-squares", {"n": 20_000}, ranges, run_threading)[0],
            checksum("sum-squares", {"n": 20_000}, ranges)[0],
        )


class ParametersTest(unittest.TestCase):
    def test_defaults_are_filled(self):
        self.assertEqual(WORKLOADS["image-analysis"].parse_parameters({}), {"width": 800, "height": 600})

    def test_every_problem_names_its_field(self):
        with self.assertRaises(ParameterProblem) as raised:
            WORKLOADS["image-analysis"].parse_parameters({"width": 0, "height": 1.5, "depth": 3})
        message = str(raised.exception)
        self.assertIn("params.width: 0 is out of range (allowed: an integer from 1 to 8192 pixels)", message)
        self.assertIn("params.height: 1.5 is not an integer", message)
        self.assertIn('params.depth: unknown parameter "depth"', message)

    def test_integral_floats_are_integers_and_booleans_are_not(self):
        self.assertEqual(WORKLOADS["sum-squares"].parse_parameters({"n": 10.0}), {"n": 10})
        with self.assertRaises(ParameterProblem):
            WORKLOADS["sum-squares"].parse_parameters({"n": True})
        with self.assertRaises(ParameterProblem):
            WORKLOADS["sum-squares"].parse_parameters({"n": float("inf")})


class SharedCounterTest(unittest.TestCase):
    def test_one_thread_loses_nothing(self):
        text, report = checksum("shared-counter", {"increments": 5000}, [(0, 5000)] * 3)
        self.assertEqual(text, "atomic=15000;lock=15000")
        self.assertEqual(
            report,
            [
                {"variant": variant, "expected": 15000, "observed": 15000, "lostUpdates": 0}
                for variant in ("unsafe", "atomic", "lock")
            ],
        )

    def test_threads_keep_the_synchronised_variants_exact(self):
        text, report = checksum(
            "shared-counter", {"increments": 20_000}, [(0, 20_000)] * 4, run_threading, parties=4
        )
        self.assertEqual(text, "atomic=80000;lock=80000")
        unsafe = report[0]
        self.assertEqual(unsafe["variant"], "unsafe")
        # Whatever the scheduler did, what was observed plus what was lost is what was done.
        self.assertEqual(unsafe["observed"] + unsafe["lostUpdates"], 80_000)


class ProcessPoolTest(unittest.TestCase):
    def test_each_task_runs_in_its_own_process_and_adds_up(self):
        pool = ProcessPool(2)
        try:
            self.assertGreater(pool.setup_ms, 0)
            workload = WORKLOADS["sum-squares"]
            repetition = pool.run(workload, {"n": 1000}, [(0, 500), (500, 1000)])
            self.assertEqual(workload.combine({"n": 1000}, repetition.partials, None)[0], closed_form(1000))
            self.assertEqual(len(repetition.task_durations_ms), 2)
        finally:
            pool.close()

    def test_a_task_that_raises_reports_its_traceback(self):
        pool = ProcessPool(1)
        try:
            with self.assertRaises(RuntimeError) as raised:
                # shared-counter without its shared state raises inside the process.
                pool.run(WORKLOADS["shared-counter"], {"increments": 10}, [(0, 10)])
            self.assertIn("the repetition's shared counters are required", str(raised.exception))
        finally:
            pool.close()


class TaskContextTest(unittest.TestCase):
    def test_is_a_plain_record(self):
        self.assertEqual(TaskContext(2, 4, None).parties, 4)


if __name__ == "__main__":
    unittest.main()
