"""Records which `report.add(...)` call sites the validation suites reach, for tests/test_message_coverage.py.

Two ways, one record: in the main test session, SessionProbe (registered by conftest.py) records while the suites'
own tests run and puts the coverage test after them, so the suites do not run twice; when that session did not run
every test of the suites (a chosen file, -k, -x), the coverage test runs them in a subprocess with this module
loaded as a plugin (`-p message_probe`) and MESSAGE_PROBE_OUT naming the file to append to."""
from __future__ import annotations

import os
import sys

import pytest

from casebook.errors import ErrorReport

SUITES = ("tests/test_validation.py", "tests/test_validation_messages.py", "tests/test_hostile_input.py")
COVERAGE_TEST = "tests/test_message_coverage.py::test_every_validation_message_is_reached_by_a_test"

_original_add = ErrorReport.add


def _site_of(frame) -> str:
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


class SessionProbe:
    def __init__(self) -> None:
        self.hits: set[str] = set()
        self.suite_tests: set[str] = set()
        self.finished: set[str] = set()
        self.failed: set[str] = set()

    @staticmethod
    def _in_suites(nodeid: str) -> bool:
        return nodeid.split("::")[0] in SUITES

    def pytest_collection_modifyitems(self, items) -> None:
        # After the suites, so that their hits are all in when it looks.
        items.sort(key=lambda item: item.nodeid == COVERAGE_TEST)

    def pytest_collection_finish(self, session) -> None:
        # The tests that will run, after every plugin's selection (-k, -m, deselect).
        self.suite_tests = {item.nodeid for item in session.items if self._in_suites(item.nodeid)}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        if not self._in_suites(item.nodeid):
            return (yield)
        hits = self.hits

        def recording_add(report, *args, **kwargs):
            hits.add(_site_of(sys._getframe(1)))
            return _original_add(report, *args, **kwargs)

        # The whole protocol (setup, call, teardown): a module-scoped fixture reports in its first test's setup.
        ErrorReport.add = recording_add
        try:
            return (yield)
        finally:
            ErrorReport.add = _original_add
            self.finished.add(item.nodeid)

    def pytest_runtest_logreport(self, report) -> None:
        if report.failed and self._in_suites(report.nodeid):
            self.failed.add(report.nodeid)

    def complete(self) -> bool:
        """Every test of the suites ran in this session, and passed."""
        return bool(self.suite_tests) and self.suite_tests <= self.finished and not self.failed


if "MESSAGE_PROBE_OUT" in os.environ:  # loaded with -p in the coverage test's subprocess
    def _recording_add(self, *args, **kwargs):
        with open(os.environ["MESSAGE_PROBE_OUT"], "a", encoding="utf-8") as out:
            out.write(_site_of(sys._getframe(1)) + "\n")
        return _original_add(self, *args, **kwargs)

    ErrorReport.add = _recording_add
