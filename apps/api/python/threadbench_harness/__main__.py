"""Entry point: `python3 -m threadbench_harness [--describe | --runtime]`.

Without flags it serves JSON-lines requests on standard input (threadbench starts it
this way). The version check comes first, in syntax that old interpreters can parse.
"""
import sys

from threadbench_harness import MINIMUM_PYTHON

# Exit status for "this interpreter cannot run the harness" (EX_CONFIG from sysexits.h):
# the driver reports it with the message below instead of a crash.
TOO_OLD_EXIT_CODE = 78

if __name__ == "__main__":
    if tuple(sys.version_info[:2]) < MINIMUM_PYTHON:
        sys.stderr.write(
            "threadbench harness: Python %d.%d.%d is too old (allowed: Python >= %d.%d)\n"
            % (tuple(sys.version_info[:3]) + MINIMUM_PYTHON)
        )
        sys.exit(TOO_OLD_EXIT_CODE)
    from threadbench_harness.server import main

    sys.exit(main(sys.argv[1:]))
