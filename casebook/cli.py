"""Command line: parse arguments, run the pipeline, turn data errors into a report and an exit code."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .errors import DataInvalid
from .validate import load_site
from .write import DuplicateOutput, UnsafeOutput

ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="在宅医療連携モデル 事例集 — static site builder")
    parser.add_argument("command", nargs="?", default="build", choices=("build", "check", "serve", "schema",
                                                                         "survey-template", "survey-tally"))
    parser.add_argument("responses", nargs="?", type=Path, help="survey-tally: the filled-in responses.csv")
    parser.add_argument("--region", default="この地域", help="survey-tally: the region's name on the comparison pages")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder holding regions/, survey/, content/ (default: here)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: _site/ in the project)")
    parser.add_argument("--port", type=int, default=8000, help="port for serve (default 8000)")
    parser.add_argument("--base-url", default="", help="absolute site URL for sitemap.xml and printed page URLs")
    return parser


def report_errors(exc: DataInvalid) -> None:
    for line in exc.report.lines():
        print(line, file=sys.stderr)
    print(f"{len(exc.report)} error(s); nothing was written.", file=sys.stderr)


def _local_survey(args, root: Path) -> int:
    from .localsurvey.commands import tally_files, template_files
    from .localsurvey.output import OutputRefused, check_folder, write_files
    from .localsurvey.responses import ResponsesInvalid
    if args.out is None or (args.command == "survey-tally" and args.responses is None):
        usage = "build.py survey-template --out DIR" if args.command == "survey-template" else "build.py survey-tally RESPONSES.csv --out DIR"
        print(f"usage: {usage}", file=sys.stderr)
        return 2
    out = args.out.resolve()
    try:
        check_folder(out)
        site = load_site(root)
        templates = root / "templates"
        if args.command == "survey-template":
            files = template_files(site, templates)
        else:
            files = tally_files(site, templates, args.responses, args.region)
        write_files(files, out)
    except ResponsesInvalid as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        print(f"{len(exc.lines)} error(s); nothing was written.", file=sys.stderr)
        return 1
    except OutputRefused as exc:
        print(f"error: {exc}; nothing was written.", file=sys.stderr)
        return 1
    print(f"wrote {len(files)} files to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    out = Path(os.path.abspath(args.out or root / "_site"))  # not resolve(): out is a link to the current build
    try:
        if args.command == "check":
            started = time.perf_counter()
            from .build import check_sources
            site = check_sources(root)
            print(f"ok: {len(site.regions)} regions, {len(site.models)} models, {len(site.survey)} survey tables, "
                  f"{len(site.pages)} pages checked in {time.perf_counter() - started:.2f} s")
            return 0
        if args.command == "schema":
            from .schema import region_json_schema
            target = root / "regions.schema.json"
            target.write_text(json.dumps(region_json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {target.relative_to(root)}")
            return 0
        if args.command in ("survey-template", "survey-tally"):
            return _local_survey(args, root)
        from .build import build_site
        if args.command == "build":
            build_site(root, out, base_url=args.base_url, log=print)
            return 0
        from .serve import serve
        return serve(root, out, args.port, base_url=args.base_url)
    except DataInvalid as exc:
        report_errors(exc)
        return 1
    except DuplicateOutput as exc:
        print(f"error: {exc}; nothing was written.", file=sys.stderr)
        return 1
    except UnsafeOutput as exc:
        print(f"{exc}; nothing was written.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """main() as a process: the exit code, and no interpreter teardown. What teardown would do is free the
    memory of every object and module one by one (~0.1 s after a build, as long as a tenth of the build), which the
    operating system does at once; everything the command wrote is closed by then. mypy ends the same way."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that closed the pipe, or a stream already closed
            pass
    os._exit(code)
