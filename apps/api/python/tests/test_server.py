"""The pipe protocol, spoken through in-memory streams."""

import io
import json
import unittest

from threadbench_harness.server import serve


def exchange(*requests):
    incoming = io.StringIO("".join(json.dumps(request) + "\n" for request in requests))
    outgoing = io.StringIO()
    serve(incoming, outgoing)
    return [json.loads(line) for line in outgoing.getvalue().splitlines()]


class ServeTest(unittest.TestCase):
    def test_hello_describes_the_runtime_and_the_workloads(self):
        (reply,) = exchange({"id": 1, "op": "hello"})
        self.assertTrue(reply["ok"])
        self.assertEqual(reply["id"], 1)
        self.assertEqual(reply["runtime"]["implementation"], "cpython")
        self.assertEqual(
            [workload["id"] for workload in reply["workloads"]],
            ["sum-squares", "sqrt-log", "image-analysis", "shared-counter"],
        )
        self.assertEqual(reply["modes"], ["sequential", "threading", "multiprocessing"])

    def test_a_repetition_answers_with_timings_and_the_checksum(self):
        (reply,) = exchange(
            {
                "id": 7,
                "op": "repeat",
                "workload": "sum-squares",
                "params": {"n": 10},
                "mode": "threading",
                "ranges": [[0, 10], [0, 10]],
            }
        )
        self.assertTrue(reply["ok"])
        self.assertEqual(reply["checksum"], "570")
        self.assertEqual(len(reply["taskDurationsMs"]), 2)
        self.assertIsNone(reply["sharedMemory"])
        self.assertIsInstance(reply["gilEnabled"], bool)

    def test_bad_requests_name_the_field_and_the_harness_keeps_serving(self):
        replies = exchange(
            {"id": 1, "op": "repeat", "workload": "mandelbrot", "mode": "sequential", "ranges": [[0, 1]]},
            {"id": 2, "op": "repeat", "workload": "sum-squares", "mode": "fibers", "ranges": [[0, 1]]},
            {"id": 3, "op": "repeat", "workload": "sum-squares", "mode": "sequential", "ranges": [[2, 1]]},
            {"id": 4, "op": "repeat", "workload": "shared-counter", "mode": "multiprocessing", "ranges": [[0, 1]]},
            {"id": 5, "op": "repeat", "workload": "sum-squares", "mode": "multiprocessing", "ranges": [[0, 1]]},
            {"id": 6, "op": "hello"},
        )
        self.assertEqual([reply["ok"] for reply in replies], [False] * 5 + [True])
        self.assertIn('workload: "mandelbrot" is not allowed (allowed: sum-squares', replies[0]["error"])
        self.assertIn('mode: "fibers" is not allowed (allowed: sequential, threading, multiprocessing)', replies[1]["error"])
        self.assertIn("ranges.0: expected [start, end] with 0 <= start <= end", replies[2]["error"])
        self.assertIn("needs memory shared between its tasks", replies[3]["error"])
        self.assertIn("send start-pool first", replies[4]["error"])

    def test_a_pool_runs_multiprocessing_repetitions(self):
        replies = exchange(
            {"id": 1, "op": "start-pool", "processes": 2},
            {
                "id": 2,
                "op": "repeat",
                "workload": "sqrt-log",
                "params": {"n": 1000},
                "mode": "multiprocessing",
                "ranges": [[0, 999], [0, 999]],
            },
            {"id": 3, "op": "stop-pool"},
        )
        self.assertEqual([reply["ok"] for reply in replies], [True, True, True])
        self.assertGreater(replies[0]["setupMs"], 0)
        self.assertEqual(replies[1]["checksum"], "53942.107068176425")

    def test_bare_loop_times_each_iteration(self):
        (reply,) = exchange(
            {
                "id": 1,
                "op": "bare-loop",
                "workload": "shared-counter",
                "params": {"increments": 3},
                "ranges": [[0, 3]],
                "iterations": 4,
            }
        )
        self.assertTrue(reply["ok"], reply)
        self.assertEqual(len(reply["durationsMs"]), 4)


if __name__ == "__main__":
    unittest.main()
