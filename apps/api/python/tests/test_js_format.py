"""JavaScript's number printing, checked against values whose JS text is known."""

import unittest

from threadbench_harness.js_format import number_to_string, to_fixed


class NumberToStringTest(unittest.TestCase):
    def test_matches_string_of_a_number_in_javascript(self):
        # Left: Python float; right: what String(value) prints in Node.
        cases = [
            (1.0, "1"),
            (0.0, "0"),
            (-0.0, "0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e21, "1e+21"),
            (1.2345678901234568e20, "123456789012345680000"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (9007199254740992.0, "9007199254740992"),
            (241763082.68076134, "241763082.68076134"),
            (float("inf"), "Infinity"),
            (float("-inf"), "-Infinity"),
            (float("nan"), "NaN"),
        ]
        for value, expected in cases:
            self.assertEqual(number_to_string(value), expected, repr(value))


class ToFixedTest(unittest.TestCase):
    def test_rounds_exact_ties_up_as_javascript_does(self):
        # 1/1024 = 0.0009765625 exactly: a true tie at 9 digits. format() gives ...562.
        self.assertEqual(to_fixed(1 / 1024, 9), "0.000976563")
        self.assertEqual(to_fixed(2.5, 0), "3")
        self.assertEqual(to_fixed(0.5, 0), "1")

    def test_signs_and_zero(self):
        self.assertEqual(to_fixed(-0.0, 3), "0.000")
        self.assertEqual(to_fixed(-1e-12, 9), "-0.000000000")
        self.assertEqual(to_fixed(127.5, 9), "127.500000000")

    def test_huge_values_fall_back_to_string(self):
        self.assertEqual(to_fixed(1e21, 2), "1e+21")


if __name__ == "__main__":
    unittest.main()
