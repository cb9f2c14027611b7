"""Import cost of the Python SDK next to E2B's (PyPI `e2b`), each over a bare interpreter start.

Runs `python -c pass`, `python -c "import tensor_box"` and `python -c "import e2b"` interleaved,
many times, with the interpreter given as argv[1] (a venv that has both packages: see
bench/python-bench.sh). Prints the medians and the ratio of the two import costs; the target is
tensor_box's cost at most 1/3 of e2b's.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 40


def once(python: str, code: str) -> float:
    started = time.perf_counter()
    subprocess.run([python, "-c", code], check=True)
    return time.perf_counter() - started


def main() -> int:
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    codes = {"bare": "pass", "tensor_box": "import tensor_box", "e2b": "import e2b"}
    for code in codes.values():  # warm the file cache and the bytecode caches
        once(python, code)
    times: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(RUNS):
        for name, code in codes.items():
            times[name].append(once(python, code))
    median = {name: statistics.median(values) for name, values in times.items()}
    tb = median["tensor_box"] - median["bare"]
    e2b = median["e2b"] - median["bare"]
    for name, value in median.items():
        print(f"{name:>11}: {value * 1000:7.1f} ms (median of {RUNS})")
    print(f"import cost over a bare start: tensor_box {tb * 1000:.1f} ms, e2b {e2b * 1000:.1f} ms")
    ratio = tb / e2b
    print(f"ratio tensor_box / e2b = {ratio:.3f} (target <= 0.333): {'OK' if ratio <= 1 / 3 else 'MISSED'}")
    return 0 if ratio <= 1 / 3 else 1


if __name__ == "__main__":
    sys.exit(main())
