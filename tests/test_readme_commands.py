"""Every command in the README's table runs as written (the smallest scale that exercises it)."""
from __future__ import annotations

import pytest

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)


@pytest.mark.unit
def test_the_table_writes_commands_as_they_run():
    commands = readme_commands()
    assert commands and all(c.startswith((".venv/bin/python ", "bash ")) for c in commands), commands


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, **kw)


@pytest.mark.site
def test_every_build_command_runs_as_documented(project, tmp_path, real_site):
    from survey_synth import synthetic_rows, to_csv_text

    # The table's placeholders, filled in the order the rows use them: survey-template writes DIR, and the
    # responses file survey-tally reads is a filled-in copy of what the template describes.
    questions, rows = synthetic_rows(list(real_site.survey))
    responses = tmp_path / "responses.csv"
    responses.write_text(to_csv_text(questions, rows), encoding="utf-8-sig")
    ran = []
    for n, command in enumerate(readme_commands()):
        if not command.startswith(".venv/bin/python build.py"):
            continue
        words = command.split()[2:]
        if words == ["serve"]:
            continue
        args = [str(tmp_path / f"dir-{n}") if w == "DIR" else str(responses) if w == "RESPONSES.csv" else w
                for w in words]
        if "--out" not in args and (not args or args[0].startswith("-")):  # a build: check and schema take no --out
            args += ["--out", str(tmp_path / "site")]
        result = run([str(ROOT / "build.py"), *args, "--root", str(project)])
        assert result.returncode == 0 and "Traceback" not in result.stderr, (command, result.stderr)
        ran.append(args[0] if args and not args[0].startswith("-") else "build")
    assert {"build", "check", "schema", "survey-template", "survey-tally"} <= set(ran), ran
    assert (tmp_path / "site/index.html").is_file()


@pytest.mark.site
def test_serve_runs_as_documented(project, tmp_path):
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--root", str(project),
                                "--out", str(tmp_path / "site")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        line = ""
        while "serving" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
        port = re.search(r"127\.0\.0\.1:(\d+)/", line).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.bench
def test_the_benchmarks_load_without_the_test_suite():
    # The README's venv (command 1) has no pytest; bench/search_bench.py once imported tests/ and pytest.
    probe = ("import runpy, sys; sys.argv = ['x', '--help']\n"
             "try:\n    runpy.run_path('bench/search_bench.py', run_name='not_main')\nexcept SystemExit:\n    pass\n"
             "assert 'pytest' not in sys.modules, 'imports pytest'")
    result = run(["-c", probe], cwd=ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.bench
def test_the_search_benchmark_says_what_its_browser_part_lacks_before_working():
    # The README's venv (command 1) has no Playwright: the benchmark once ran minutes of Node work and then
    # ended in a ModuleNotFoundError traceback.
    probe = ("import runpy, sys; sys.modules['playwright'] = None; sys.argv = ['bench/search_bench.py']\n"
             "runpy.run_path('bench/search_bench.py', run_name='__main__')")
    result = run(["-c", probe], cwd=ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "needs Playwright" in result.stderr and "--browser-queries 0" in result.stderr
    assert "load average" not in result.stdout  # nothing measured first


@pytest.mark.bench
def test_the_build_benchmark_stages_exist():
    # bench/run.py --quick patched build._search_assets, which no longer existed: an AttributeError at once.
    import casebook.build as build
    text = (ROOT / "bench/run.py").read_text(encoding="utf-8")
    for name in re.findall(r"build\.(\w+) = timed\(", text):
        assert hasattr(build, name), name


# The smallest scale at which each benchmark in the table still runs every stage it measures.
BENCH_SMALLEST = {
    "bench/search_bench.py": ["--regions", "14", "--rounds", "1", "--browser-queries", "1",
                              "--typing-runs", "1"],
    "bench/run.py": ["--quick", "--runs", "1", "--incremental-regions", "14"],
    # Lighthouse is installed outside the repository and needs network to install; CI has neither, so the smoke
    # test builds, serves and fetches every page it would measure and prints the command lines (no Lighthouse).
    "bench/lighthouse.py": ["--dry-run"],
    # mutmut itself is not installed here (no network in tests): the dry run checks every hand-written mutant still
    # applies to the sources; the next test runs one for real.
    "bench/mutation.py": ["--dry-run"],
}


@pytest.mark.bench
def test_every_benchmark_in_the_table_runs_at_its_smallest_scale():
    benches = [c.split()[1] for c in readme_commands() if c.startswith(".venv/bin/python bench/")]
    assert sorted(benches) == sorted(BENCH_SMALLEST), "a benchmark row without a smallest scale here"
    for script in benches:
        result = subprocess.run([sys.executable, str(ROOT / script), *BENCH_SMALLEST[script]], cwd=ROOT,
                                capture_output=True, text=True, timeout=600)
        # A goal missed at this scale on a busy machine is the benchmark doing its job (it exits 1 and says which)
        missed = result.returncode == 1 and re.match(r"search_bench.py: \d+ goal\(s\) not met", result.stderr)
        assert (result.returncode == 0 or missed) and "Traceback" not in result.stdout + result.stderr, \
            (script, (result.stdout + result.stderr)[-2000:])


@pytest.mark.bench
def test_the_mutation_benchmark_kills_a_hand_written_mutant():
    result = subprocess.run([sys.executable, str(ROOT / "bench/mutation.py"), "--hand-only", "--hand", "template-rank-constant"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "template-rank-constant" in result.stdout and "killed by tests/test_fixture_site.py::" in result.stdout, result.stdout


@pytest.mark.site
def test_the_build_benchmark_writes_benchmarks_md_only_when_asked():
    result = run([str(ROOT / "bench/run.py"), "--quick", "--write"], cwd=ROOT)
    assert result.returncode == 2 and "--write records the whole benchmark" in result.stderr


@pytest.mark.site
def test_the_search_benchmark_lists_skipped_goals_and_fails_on_a_missed_one(monkeypatch, capsys):
    import runpy
    main = runpy.run_path(str(ROOT / "bench/search_bench.py"), run_name="not_main")["main"]
    measured = {"real_documents": lambda: [], "report": lambda *a: 10 * 1024, "synthetic": lambda *a: [],
                "quality": lambda *a: ({"reading": (1.0, 0.5)}, [])}  # precision missed
    for name, stub in measured.items():
        monkeypatch.setitem(main.__globals__, name, stub)
    monkeypatch.setattr(sys, "argv", ["search_bench.py", "--browser-queries", "0"])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr().out
    assert exited.value.code == ("search_bench.py: 1 goal(s) not met: quality, reading: recall ≥ 1.00 and "
                                 "precision 1.0")
    assert out.count("  skipped  ") == 3 and "NOT MET  quality, reading" in out and "met      1741 regions" in out


@pytest.mark.unit
def test_the_readmes_two_first_commands_are_short_scripts_that_say_what_they_install():
    block = (ROOT / "README.md").read_text(encoding="utf-8").split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert commands == ["bash scripts/serve.sh", "bash tests/run.sh"]
    assert "Python 3.11" in block and "python3-venv" in block and "chromium" in block  # what they install, said
    assert "bash tests/run.sh" in (ROOT / ".ci/run").read_text(encoding="utf-8")  # CI runs the README's command
    for command in commands:
        script = ROOT / command.split()[1]
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0, script
        text = script.read_text(encoding="utf-8")
        assert len(text.splitlines()) < 60 and "echo " in text, script  # short, and says what it does
    setup = (ROOT / "scripts/setup.sh").read_text(encoding="utf-8")
    assert "3, 11" in setup and "python3-venv" in setup and "pip install" in setup
