"""Every command in the README's table runs as written (the smallest scale that exercises it)."""
from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)


def test_the_table_writes_commands_as_they_run():
    commands = readme_commands()
    assert commands and all(c.startswith((".venv/bin/python ", "bash ")) for c in commands), commands


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, **kw)


def test_build_check_and_schema_run_as_documented(project, tmp_path):
    for command in readme_commands():
        if not command.startswith(".venv/bin/python build.py"):
            continue
        words = command.split()[2:]
        if words[1:] == ["serve"]:
            continue
        result = run([str(ROOT / "build.py"), *words[1:], "--root", str(project), "--out", str(tmp_path / "site")])
        assert result.returncode == 0 and "Traceback" not in result.stderr, (command, result.stderr)
    assert (tmp_path / "site/index.html").is_file()


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


def test_the_benchmarks_load_without_the_test_suite():
    # The README's venv (command 1) has no pytest; bench/search_bench.py once imported tests/ and pytest.
    probe = ("import runpy, sys; sys.argv = ['x', '--help']\n"
             "try:\n    runpy.run_path('bench/search_bench.py', run_name='not_main')\nexcept SystemExit:\n    pass\n"
             "assert 'pytest' not in sys.modules, 'imports pytest'")
    result = run(["-c", probe], cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_the_build_benchmark_stages_exist():
    # bench/run.py --quick patched build._search_assets, which no longer existed: an AttributeError at once.
    import casebook.build as build
    text = (ROOT / "bench/run.py").read_text(encoding="utf-8")
    for name in re.findall(r"build\.(\w+) = timed\(", text):
        assert hasattr(build, name), name
