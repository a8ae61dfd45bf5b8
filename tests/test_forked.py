"""Two processes for one build (casebook/forked.py): the child's part comes back from another process, and
whatever goes wrong with the child — an error, a crash, a hang — gives the result one process would have
given, or the error it would have raised; never a wrong site, a stuck build or a child left behind."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from casebook import forked
from casebook.build import build_site, rendered_pages
from casebook.errors import DataInvalid
from casebook.model import NOT_READ_YET
from casebook.render import PageRenderer, make_environment
from casebook.validate import load_site
from conftest import ROOT

pytestmark = pytest.mark.skipif(not (sys.platform.startswith("linux") and hasattr(os, "fork")),
                                reason="fork is used on Linux only")


ACTIVE_COUNT = threading.active_count


@pytest.fixture(autouse=True)
def no_other_thread(monkeypatch):
    """In a whole test session, fixtures of earlier tests keep idle threads (the browser tests' HTTP server), so
    forked.fork_usable() would say no and every test here would run without a child. None of those threads
    takes a lock the child needs; the test of threads puts the real count back."""
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def sleeps_in_the_child(pid_file: Path):
    """A part that, in the child only, writes the child's pid to *pid_file* and then never ends."""
    here = os.getpid()

    def part():
        if os.getpid() != here:
            pid_file.write_text(str(os.getpid()))
            time.sleep(600)
        return "done here"
    return part


def test_the_first_part_is_computed_in_another_process_while_the_second_runs_here():
    here = os.getpid()
    theirs, mine = forked.in_two_processes(os.getpid, os.getpid)
    assert mine == here
    assert theirs != here
    assert gone(theirs)  # reaped, not left as a zombie


def test_an_error_in_the_child_means_its_part_is_done_here_instead():
    here = os.getpid()

    def fails_in_the_child():
        if os.getpid() != here:
            raise ValueError("only in the child")
        return "done here"

    assert forked.in_two_processes(fails_in_the_child, lambda: 1) == ("done here", 1)


def test_an_error_of_the_part_itself_is_raised_here_as_without_a_child():
    def always_fails():
        raise ValueError("a template error, say")

    with pytest.raises(ValueError, match="a template error"):
        forked.in_two_processes(always_fails, lambda: 1)


def test_a_child_that_dies_gives_way_to_doing_its_part_here():
    here = os.getpid()

    def dies_in_the_child():
        if os.getpid() != here:
            os.kill(os.getpid(), 9)
        return "done here"

    assert forked.in_two_processes(dies_in_the_child, lambda: 1) == ("done here", 1)


def test_a_stuck_child_is_stopped_and_its_part_done_here(tmp_path):
    pid_file = tmp_path / "child.pid"
    started = time.monotonic()
    assert forked.in_two_processes(sleeps_in_the_child(pid_file), lambda: 1, at_least_s=1.0) == ("done here", 1)
    assert time.monotonic() - started < 30
    assert gone(int(pid_file.read_text()))


def test_an_error_here_stops_the_child_and_is_raised(tmp_path):
    pid_file = tmp_path / "child.pid"

    def fails_here():
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "no child started"
            time.sleep(0.01)
        raise KeyboardInterrupt  # Ctrl-C during a build

    with pytest.raises(KeyboardInterrupt):
        forked.in_two_processes(sleeps_in_the_child(pid_file), fails_here)
    assert gone(int(pid_file.read_text()))


def test_with_another_thread_running_nothing_is_forked(monkeypatch):
    # serve renders from its threads; a lock held by one of them at a fork would stay held in the child
    monkeypatch.setattr(forked.threading, "active_count", ACTIVE_COUNT)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.fork_usable()
        assert forked.processes_for_build() == 1
        assert forked.in_two_processes(os.getpid, os.getpid) == (os.getpid(), os.getpid())
    finally:
        stop.set()
        other.join()


def test_without_fork_both_parts_run_here(monkeypatch):
    monkeypatch.delattr(os, "fork")
    assert forked.in_two_processes(os.getpid, os.getpid) == (os.getpid(), os.getpid())


# ---------------------------------------------------------------- the build in two processes

def _renderer(real_site):
    env = make_environment(ROOT / "templates", auto_reload=False)
    return PageRenderer(real_site, ROOT / "templates", "", env)


def test_two_processes_share_the_pages_out_each_rendered_once_in_the_order_of_one(real_site, monkeypatch):
    serial, _ = rendered_pages(_renderer(real_site), 1)
    plain_render = PageRenderer._render

    def signed(self, template, path, lazy=None, **context):
        path, html = plain_render(self, template, path, lazy, **context)
        return path, None if html is None else f"{html}<!--{os.getpid()}-->"

    monkeypatch.setattr(PageRenderer, "_render", signed)
    shared, also = rendered_pages(_renderer(real_site), 2, also=os.getpid)
    assert also == os.getpid()  # the other files are made here, while the child renders
    assert [p for p, _ in shared] == [p for p, _ in serial]
    by = {}
    for (path, html), (_, alone) in zip(shared, serial):
        page, pid = re.fullmatch(r"(.*)<!--(\d+)-->", html, re.S).groups()
        assert page == alone, path
        by.setdefault(int(pid), []).append(path)
    assert len(by) == 2, "one process rendered every page"
    # Not half each: the child starts a fork later, and on a busy machine one process may get less of a core.
    assert min(len(paths) for paths in by.values()) >= len(serial) // 8, {pid: len(p) for pid, p in by.items()}


def test_a_page_that_fails_to_render_fails_the_two_process_build_as_it_fails_one(real_site, monkeypatch):
    plain_render = PageRenderer._render

    def broken(self, template, path, lazy=None, **context):
        if path == "compare/index.html":
            raise RuntimeError("the page cannot render")
        return plain_render(self, template, path, lazy, **context)

    monkeypatch.setattr(PageRenderer, "_render", broken)
    for processes in (1, 2):
        with pytest.raises(RuntimeError, match="the page cannot render"):
            rendered_pages(_renderer(real_site), processes)


def test_a_two_process_build_writes_the_bytes_of_a_one_process_build(tmp_path):
    files = {}
    for processes in (1, 2):
        out = tmp_path / f"out-{processes}"
        build_site(ROOT, out, log=lambda _: None, processes=processes)
        files[processes] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert len(files[1]) > 300
    assert files[1] == files[2]


def test_errors_found_by_the_child_are_reported_with_the_others(project):
    csv = project / "survey" / "s2-2.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",9\n", ",nine\n"), encoding="utf-8")
    region = next((project / "regions").glob("*.yaml"))
    region.write_text(region.read_text(encoding="utf-8").replace("headline:", "headline_typo:", 1), encoding="utf-8")
    reports = {}
    for processes in (1, 2):
        with pytest.raises(DataInvalid) as caught:
            load_site(project, processes=processes)
        reports[processes] = caught.value.report.lines()
    assert any(line.startswith("survey/s2-2.csv:") for line in reports[2])
    assert any(line.startswith(f"regions/{region.name}") for line in reports[2])
    assert reports[1] == reports[2]


# ---------------------------------------------------------------- meanwhile: this process's work while it waits

def slow_in_the_child(seconds: float, result="theirs"):
    here = os.getpid()

    def part():
        if os.getpid() != here:
            time.sleep(seconds)
        return result
    return part


def test_meanwhile_is_worked_through_while_the_child_works_and_left_off_once_it_is_done():
    steps, closed = [], []

    def endless(own):  # only the child's result can end it
        try:
            while True:
                steps.append(own)
                time.sleep(0.01)
                yield
        finally:
            closed.append(True)

    started = time.monotonic()
    assert forked.in_two_processes(slow_in_the_child(0.5), lambda: "mine", meanwhile=endless) == ("theirs", "mine")
    assert time.monotonic() - started < 20
    assert len(steps) >= 10 and set(steps) == {"mine"}  # given mine()'s result
    assert closed == [True]  # closed at once, not left to the garbage collector


def test_without_a_child_nothing_of_meanwhile_is_done(monkeypatch):
    monkeypatch.delattr(os, "fork")
    called = []
    assert forked.in_two_processes(lambda: 1, lambda: 2, meanwhile=lambda own: called.append(own) or ()) == (1, 2)
    assert called == []


def test_the_process_that_renders_never_waits_for_pandas_to_import(tmp_path):
    """pandas takes ~0.4 s to import: in two processes only the child reading the survey imports it (and numpy,
    for a site this small, nobody); one process imports it, which shows the check can fail."""
    script = ("import sys; from pathlib import Path; from casebook.build import build_site; "
              "build_site(Path(sys.argv[1]), Path(sys.argv[2]), log=lambda _: None, processes=int(sys.argv[3])); "
              "print('pandas' in sys.modules, 'numpy' in sys.modules)")
    seen = {}
    for processes in (2, 1):
        done = subprocess.run([sys.executable, "-c", script, str(ROOT), str(tmp_path / f"out-{processes}"),
                               str(processes)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        seen[processes] = done.stdout.split()
    assert seen == {2: ["False", "False"], 1: ["True", "True"]}


def test_a_page_that_needs_the_survey_is_not_rendered_ahead_and_the_rest_are_as_with_the_survey(real_site):
    serial = dict(rendered_pages(_renderer(real_site), 1)[0])
    renderer = _renderer(replace(real_site, survey=NOT_READ_YET, free_text=NOT_READ_YET))
    steps = list(renderer.render_ahead())
    assert len(steps) >= len(renderer.ahead) + 1  # a step a page at least, so that the wait can end between any two
    assert "regions/usuki/index.html" in renderer.ahead and "compare/index.html" in renderer.ahead
    for needs_survey in ("survey/index.html", "survey/s2/index.html", "data/index.html"):
        assert needs_survey not in renderer.ahead
    assert len(renderer.ahead) > len(serial) / 2
    for path, html in renderer.ahead.items():
        assert html == serial[path], path


def test_a_build_renders_ahead_while_its_child_reads_the_survey_and_writes_the_bytes_of_one_process(
        tmp_path, monkeypatch):
    import casebook.validate as validate
    here, plain_survey = os.getpid(), validate._load_survey

    def slow_survey(*args, **kwargs):  # as slow as importing pandas, so that most of the pages are rendered ahead
        if os.getpid() != here:
            time.sleep(1.5)
        return plain_survey(*args, **kwargs)

    monkeypatch.setattr(validate, "_load_survey", slow_survey)
    plain_ahead, ahead = PageRenderer.render_ahead, {}

    def watched(self):
        yield from plain_ahead(self)
        ahead.update(self.ahead)

    monkeypatch.setattr(PageRenderer, "render_ahead", watched)
    files = {}
    for processes in (1, 2):
        out = tmp_path / f"out-{processes}"
        build_site(ROOT, out, log=lambda _: None, processes=processes)
        files[processes] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert "regions/usuki/index.html" in ahead and "survey/s2/index.html" not in ahead
    assert files[1] == files[2]
