"""pytest plugin for tests/test_message_coverage.py: records which `report.add(...)` call sites a test run reaches.

Loaded only in that test's subprocess (`-p message_probe`), with MESSAGE_PROBE_OUT naming the file to append to."""
from __future__ import annotations

import os
import sys

from casebook.errors import ErrorReport

_original_add = ErrorReport.add


def _recording_add(self, *args, **kwargs):
    caller = sys._getframe(1)
    with open(os.environ["MESSAGE_PROBE_OUT"], "a", encoding="utf-8") as out:
        out.write(f"{caller.f_code.co_filename}:{caller.f_lineno}\n")
    return _original_add(self, *args, **kwargs)


ErrorReport.add = _recording_add
