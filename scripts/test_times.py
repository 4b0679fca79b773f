"""Where a test run's time went, from its JUnit report (pytest --junitxml=FILE): seconds per module, slowest
first, with setup and teardown included (a module fixture counts towards the test that first used it).

    .venv/bin/python scripts/test_times.py FILE [--top N]

Under `-n 2` the modules' seconds add up to about twice the wall time; docs/testing.md says how to use it."""

from __future__ import annotations

import argparse
import re
import xml.etree.ElementTree as ET
from collections import defaultdict


def module_of(classname: str) -> str:
    """tests.sbom.test_views.TestX -> tests/sbom/test_views.py"""
    parts = classname.split(".")
    while len(parts) > 1 and re.match(r"[A-Z]", parts[-1]):
        parts.pop()
    return "/".join(parts) + ".py"


def module_seconds(path: str) -> dict[str, tuple[float, int]]:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for case in ET.parse(path).getroot().iter("testcase"):
        total = totals[module_of(case.get("classname", ""))]
        total[0] += float(case.get("time", 0))
        total[1] += 1
    return {module: (seconds, int(count)) for module, (seconds, count) in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    modules = module_seconds(args.report)
    total = sum(seconds for seconds, _ in modules.values())
    print(f"{sum(count for _, count in modules.values())} tests, {total:.0f} s in {len(modules)} modules")
    for module, (seconds, count) in sorted(modules.items(), key=lambda item: -item[1][0])[:args.top]:
        print(f"{seconds:8.1f} s {100 * seconds / total:5.1f} % {count:5d} tests  {module}")


if __name__ == "__main__":
    main()
