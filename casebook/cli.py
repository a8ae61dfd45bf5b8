"""Command line: parse arguments, run the pipeline, turn data errors into a report and an exit code."""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import time
import traceback
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from .errors import DataInvalid
from .validate import load_site
from .write import DuplicateOutput, UnsafeOutput, WriteFailed

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "build": "validate every source file, then build the site into _site/ (or --out DIR); the default command",
    "check": "validate every source file and template only; print every error as path:line: field: message",
    "serve": "build, serve the site on http://127.0.0.1:PORT/ and rebuild when a source file changes",
    "schema": "write regions.schema.json, the JSON Schema editors use for region files",
    "survey-template": "write the report's questionnaire for a local survey (questionnaire.yaml, responses.csv, "
                       "README.txt) into a new or empty folder",
    "survey-tally": "check a filled-in responses.csv and write its tables and comparison pages into a new or empty "
                    "folder",
}


TAKES_VALUE = ("--root", "--out", "--base-url", "--port", "--region", "--month")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    if not 0 <= port <= 65535:  # 0: any free port (the tests use it)
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {port}")
    return port


def _invisible(text: str) -> list[str]:
    """Control, format (bidi, zero-width) and line-separator characters: invisible or reordering text."""
    return sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")})


_NOT_IN_URLS = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")  # what RFC 3986 does not allow in a URL


def _base_url(text: str) -> str:
    bad = _invisible(text) + (["a space"] if " " in text else [])
    if bad:
        raise argparse.ArgumentTypeError(f"expected a URL without spaces or control characters, found {', '.join(bad)}")
    odd = sorted(set(_NOT_IN_URLS.findall(text)))
    if odd:  # a quote or bracket would end the attribute or element the URL is written into
        raise argparse.ArgumentTypeError(f"expected a URL of letters, digits and - . _ ~ : / ? # [ ] @ ! $ & ' ( ) * "
                                         f"+ , ; = %, found {' '.join(odd)}; percent-encode them")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL such as https://example.org/casebook/, "
                                         f"got {text!r}")
    return text


def _plain_text(what: str, example: str, longest: int):
    """An argparse type for a short text printed on the pages: visible characters only, not empty, not long."""
    def check(text: str) -> str:
        bad = _invisible(text)
        if bad:
            raise argparse.ArgumentTypeError(f"expected a {what} in plain text, found the invisible or control "
                                             f"character(s) {', '.join(bad)}")
        if not text.strip():
            raise argparse.ArgumentTypeError(f"expected a {what} such as {example}, got an empty one")
        if len(text) > longest:
            raise argparse.ArgumentTypeError(f"expected a {what} of at most {longest} characters, got {len(text)}")
        return text.strip()
    return check


_region = _plain_text("region name", "板橋区", 60)
_month = _plain_text("survey month", "令和8年6月", 30)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="build.py", allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="在宅医療連携モデル 事例集 — static site builder. Without a command, build.py builds.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=COMMANDS[name], description=COMMANDS[name], allow_abbrev=False)
        sub.add_argument("--root", type=Path, default=ROOT, metavar="DIR",
                         help="project folder holding regions/, survey/, content/ (default: this one)")
        return sub

    for name in ("build", "serve"):
        sub = command(name)
        sub.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: _site/ in the project)")
        sub.add_argument("--base-url", type=_base_url, default=None, metavar="URL",
                         help="the site's absolute http(s) URL, for sitemap.xml, robots.txt and printed page URLs")
        if name == "serve":
            sub.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (1–65535, default 8000; 0 picks a free one)")
    command("check")
    command("schema")
    sub = command("survey-template")
    sub.add_argument("--out", type=Path, required=True, metavar="DIR", help="a new or empty folder for the three files")
    sub = command("survey-tally")
    sub.add_argument("responses", type=Path, metavar="RESPONSES.csv", help="the filled-in responses.csv")
    sub.add_argument("--out", type=Path, required=True, metavar="DIR", help="a new or empty folder for the tables and pages")
    sub.add_argument("--region", type=_region, default="この地域", metavar="NAME",
                     help="the region's name on the comparison pages (default: この地域)")
    sub.add_argument("--month", type=_month, default="（未設定）", metavar="MONTH",
                     help="the region's survey month, printed on every page beside the report's (such as 令和8年6月)")
    parser.epilog = ("each command's options (`build.py COMMAND --help` says what each does):\n"
                     + "\n".join("  " + " ".join(sub.format_usage().removeprefix("usage: ").split())
                                  for sub in commands.choices.values()))
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    # The command may follow options (`build.py --root X check`); no command means build (`build.py --out DIR`).
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 1 if "=" in argv[i] or argv[i] not in TAKES_VALUE else 2
    if i < len(argv) and argv[i] in COMMANDS:
        argv = [argv[i], *argv[:i], *argv[i + 1:]]
    elif not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["build", *argv]  # then an unknown option is named by build's parser, not taken for a command
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # An unknown option is named as such, with the nearest known one, not taken for a command or a value.
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[args.command]
        known = [o for action in sub._actions for o in action.option_strings]
        arg = unknown[0]
        if arg.startswith("-"):
            name = arg.split("=", 1)[0]
            near = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"; did you mean {near[0]}?" if near else f"; {sub.prog} --help lists its options"
            sub.error(f"unknown option {name}{hint}")
        sub.error(f"unexpected argument {arg!r}; {sub.prog} --help says what it takes")
    return args


def report_errors(exc: DataInvalid) -> None:
    for line in exc.report.lines():
        print(line, file=sys.stderr)
    print(f"{len(exc.report)} error(s); nothing was written.", file=sys.stderr)


def _local_survey(args, root: Path) -> int:
    from .localsurvey.commands import tally_files, template_files
    from .localsurvey.output import OutputRefused, check_folder, write_files
    from .localsurvey.responses import ResponsesInvalid
    from .write import check_destination
    out = Path(os.path.abspath(args.out))
    read = ""
    try:
        check_destination(out, root)
        check_folder(out)
        site = load_site(root)
        templates = root / "templates"
        if args.command == "survey-template":
            files = template_files(site, templates)
        else:
            files, summary = tally_files(site, templates, args.responses, args.region, args.month)
            read = f"read {summary}; "
        write_files(files, out)
    except ResponsesInvalid as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        print(f"{len(exc.lines)} error(s); nothing was written.", file=sys.stderr)
        return 1
    except (OutputRefused, UnsafeOutput) as exc:
        print(f"error: {exc}; nothing was written.", file=sys.stderr)
        return 1
    except OSError as exc:
        from .write import failure
        print(f"error: {failure(exc, out, 'Nothing was written.')}", file=sys.stderr)
        return 1
    print(f"{read}wrote {len(files)} files to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    root = args.root.resolve()
    try:
        if args.command == "check":
            started = time.perf_counter()
            from .build import render_site
            # Every page rendered in memory, as the build renders them: an error a template meets only while
            # rendering (a name that does not exist) is found here too. Nothing is written.
            site, _ = render_site(root)
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
        out = Path(os.path.abspath(args.out or root / "_site"))
        from .build import build_site
        if args.command == "build":
            build_site(root, out, base_url=args.base_url or "", log=print)
            return 0
        from .serve import serve
        return serve(root, out, args.port, base_url=args.base_url or "")
    except DataInvalid as exc:
        report_errors(exc)
        return 1
    except DuplicateOutput as exc:
        print(f"error: {exc}; nothing was written.", file=sys.stderr)
        return 1
    except UnsafeOutput as exc:
        print(f"{exc}; nothing was written.", file=sys.stderr)
        return 1
    except WriteFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. schema into a folder that is missing or read-only
        from .write import failure
        print(f"error: {failure(exc, root, '')}".rstrip(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        problem = template_problem(exc, root)
        if problem is None:
            raise
        print(f"{problem}\n1 error(s); nothing was written.", file=sys.stderr)
        return 1


def template_problem(exc: BaseException, root: Path) -> str | None:
    """An error a template met while rendering, as `templates/NAME:LINE: template: message`; None for any other."""
    from jinja2 import TemplateError
    if not isinstance(exc, TemplateError):
        return None
    templates = root / "templates"
    where = "templates"
    for frame, line in traceback.walk_tb(exc.__traceback__):  # Jinja puts the template's own lines in the traceback
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(templates):
            where = f"{path.relative_to(root).as_posix()}:{line}"
    return f"{where}: template: expected a template that renders, got {type(exc).__name__}: {exc}"


def run() -> None:
    """main() as a process: the exit code, and no interpreter teardown. What teardown would do is free the
    memory of every object and module one by one (a noticeable part of a build's time), which the
    operating system does at once; everything the command wrote is closed by then. mypy ends the same way."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that closed the pipe, or a stream already closed
            pass
    os._exit(code)
