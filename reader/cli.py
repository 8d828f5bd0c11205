"""The command line: ``reader serve``, ``reader build`` and ``reader check``; and the
bootstrap of each worker process of ``reader serve --workers``."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader import __version__
from reader.config import Settings, load_settings
from reader.loader import load_catalog
from reader.model import Problem, Severity
from reader.preview import MIN_SECRET_LENGTH, SECRET_VARIABLE, secret_from_environment, sign
from reader.store import unpublished_reason

if TYPE_CHECKING:
    from reader.app import ReaderApp
    from reader.export import Report
    from reader.site import Site

DEMO_SITE = Path(__file__).parent / "demo_site"
LOG_FORMAT = "%(levelname)s: %(message)s"
SERVE_OPTIONS = "READER_SERVE_OPTIONS"
"""The environment variable that hands ``reader serve``'s settings to worker processes."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader", description="An accessible news reader and feed server."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve a site (the bundled demo when none is given)")
    serve.add_argument("site", nargs="?", type=Path, help="the site folder (default: the demo)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--base-url",
        help="public URL of the site (default: site.toml's base_url, else http://HOST:PORT/)",
    )
    serve.add_argument("--no-watch", action="store_true", help="do not reload on file changes")
    serve.add_argument(
        "--preview",
        action="store_true",
        help="for editors: mark images without alt text visibly (drafts stay hidden)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port (default 1; one per core for the most speed)",
    )
    serve.add_argument(
        "--no-access-log",
        action="store_true",
        help="do not log each request (a proxy in front usually does)",
    )
    serve.add_argument(
        "--access-log",
        type=Path,
        metavar="FILE",
        help="write the access log to FILE (reopened on SIGUSR1) rather than standard error",
    )
    serve.add_argument(
        "--access-log-format",
        choices=("combined", "json"),
        default="combined",
        help="Combined Log Format (default) or JSON lines",
    )
    serve.add_argument(
        "--access-log-anonymize",
        action="store_true",
        help="log client addresses without their last byte (IPv4) or below their /48 (IPv6)",
    )
    serve.add_argument(
        "--no-index",
        action="store_true",
        help="do not keep the on-disk index that makes restarts fast",
    )
    serve.set_defaults(run=_serve)

    build = commands.add_parser(
        "build", help="write the whole site as static files (with .gz and .br copies)"
    )
    build.add_argument("site", type=Path, help="the site folder")
    build.add_argument("out", type=Path, help="the folder to write into")
    build.add_argument("--base-url", help="public URL of the site (default: site.toml's)")
    build.add_argument(
        "--workers", type=int, default=None, help="processes to render with (default: all cores)"
    )
    build.add_argument(
        "--no-index",
        action="store_true",
        help="do not keep the on-disk index that spares a rebuild re-reading unchanged files",
    )
    build.add_argument(
        "--no-precompress",
        action="store_true",
        help="write no .gz and .br copies, for hosts and CDNs that compress as they serve",
    )
    build.add_argument(
        "--full",
        action="store_true",
        help="render every page and feed again, even when only articles' text changed "
        "(after files in the output folder were changed by hand)",
    )
    build.set_defaults(run=_build)

    check = commands.add_parser("check", help="print every problem in a site's files")
    check.add_argument("site", type=Path, help="the site folder")
    check.set_defaults(run=_check)

    imports = commands.add_parser(
        "import",
        help="bring articles in from saved pages, a WordPress export or a feed file",
    )
    imports.add_argument(
        "source", type=Path, help="a saved page, a folder of them (wget --mirror), a WXR or feed"
    )
    imports.add_argument("site", type=Path, help="the site folder to write into")
    imports.add_argument("--section", default="", help="a section path to put everything under")
    imports.add_argument(
        "--dry-run", action="store_true", help="print what would be written; write nothing"
    )
    imports.add_argument(
        "--profile", type=Path, help="a TOML file of CSS selectors for pages the rules misread"
    )
    imports.add_argument(
        "--map", type=Path, help='a TOML file naming section folders: 新聞資訊 = "news"'
    )
    imports.add_argument("--no-download", action="store_true", help="keep images' remote addresses")
    imports.set_defaults(run=_import)

    fix = commands.add_parser(
        "fix", help="clean what an old CMS left in the site's files, showing each change first"
    )
    fix.add_argument("site", type=Path, help="the site folder")
    fix.add_argument(
        "--pinyin",
        action="store_true",
        required=True,
        help="remove pinyin glued into the text, such as 區(qū) (see docs/import.md)",
    )
    fix.add_argument("--yes", action="store_true", help="write the changes without asking")
    fix.set_defaults(run=_fix)

    link = commands.add_parser(
        "preview-link",
        help=f"print a link that shows one unpublished article (signed with ${SECRET_VARIABLE})",
    )
    link.add_argument("site", type=Path, help="the site folder")
    link.add_argument("article", help="the article's file, or its path on the site")
    link.add_argument("--hours", type=float, default=48, help="how long the link works")
    link.add_argument("--base-url", help="public URL of the site (default: site.toml's)")
    link.set_defaults(run=_preview_link)
    return parser


def _site_settings(site: Path, base_url: str | None) -> tuple[Settings, list[Problem]] | None:
    if not site.is_dir():
        print(
            f"reader: {site} is not a folder; give the folder that holds content/", file=sys.stderr
        )
        return None
    return load_settings(site, base_url=base_url)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from reader.app import create_app
    from reader.connections import LimitedHttpToolsProtocol
    from reader.index import default_index_path
    from reader.languages import language_settings

    site: Path = args.site or DEMO_SITE
    loaded = _site_settings(site, args.base_url)
    if loaded is None:
        return 2
    settings, problems = loaded
    host = f"[{args.host}]" if ":" in args.host else args.host
    here = f"http://{host}:{args.port}{settings.base_path}/"
    if not settings.base_url_configured:
        settings = replace(settings, base_url=f"http://{host}:{args.port}/")
        if args.host in ("0.0.0.0", "::", ""):
            print(
                f"reader: warning: no base URL is set, so every absolute URL (feeds, canonical "
                f"links, sitemaps) will name {settings.base_url}, which no reader can open. "
                "Set base_url in site.toml, or pass --base-url https://news.example.org/",
                file=sys.stderr,
            )
    if args.no_watch:
        settings = replace(settings, watch=False)
    if args.preview:
        settings = replace(settings, preview=True)
    settings = replace(settings, preview_secret=_preview_secret())
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    for problem in problems:
        logging.getLogger("reader").warning("%s", problem)
    if args.workers < 1:
        print("reader: --workers must be 1 or more", file=sys.stderr)
        return 2
    index = None if args.no_index else default_index_path(settings)
    where = (
        settings.base_url if settings.base_url == here else f"{settings.base_url} (here: {here})"
    )
    print(f"Serving {settings.site_dir} at {where}", file=sys.stderr)
    for language in language_settings(settings)[1:]:
        print(f"  in {language.language}: {language.base_url}", file=sys.stderr)
    logging_options = AccessLogOptions.of(args)
    # Our own access log, off the request path (uvicorn's writes on it); uvicorn's HTTP
    # protocol with the limits on a request's head that it lacks.
    run = functools.partial(
        uvicorn.run,
        host=args.host,
        port=args.port,
        proxy_headers=False,
        access_log=False,
        http=LimitedHttpToolsProtocol,
    )
    if args.workers == 1:
        run(logging_options.applied(create_app(settings, index_path=index)))
        return 0
    # Each worker process builds its own app from the same settings, passed by environment.
    os.environ[SERVE_OPTIONS] = ServeOptions.of(settings, index, logging_options).to_json()
    run("reader.cli:app_from_environment", factory=True, workers=args.workers)
    return 0


def _checked_site(settings: Settings, index: Path | None) -> Site:
    """The site as its files are now; with an index, only files changed since it are read."""
    from reader.site import Site

    site = Site(settings, index_path=index, check_files=True)
    if index is not None:
        site.reloader.save_index(changed_only=site.indexed)
    return site


def _check(args: argparse.Namespace) -> int:
    from reader.languages import language_settings

    loaded = _site_settings(args.site, None)
    if loaded is None:
        return 2
    settings, problems = loaded
    now = datetime.now(UTC)
    # Each language of a multilingual site is read as it is served; a file two languages
    # share (a section's index) is reported once.
    for own in language_settings(settings):
        catalog = load_catalog(own, thorough=True)
        problems += [p for p in catalog.problems if p not in problems]
        for article in sorted(catalog.articles, key=lambda a: a.file):  # as files are listed
            reason = unpublished_reason(article, now)
            if reason is not None:
                fix = "nothing, if that is meant; it is in no page, feed, sitemap or export"
                problems.append(
                    Problem(
                        Path(article.file), None, f"not published: {reason}", fix, Severity.NOTE
                    )
                )
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = sum(1 for p in problems if p.severity is Severity.WARNING)
    held = len(problems) - errors - warnings
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    print(counts + (f"; {held} article{'s' * (held != 1)} not published" if held else ""))
    return 1 if errors else 0


IMPORT_EXTRA = "pip install 'accessible-reader[import]'"


def _import(args: argparse.Namespace) -> int:
    try:
        import feedparser  # noqa: F401
        import markdownify  # noqa: F401
        import trafilatura  # noqa: F401
    except ImportError as error:
        print(
            f"reader import needs the import extra ({error.name} is missing): {IMPORT_EXTRA}",
            file=sys.stderr,
        )
        return 2
    import tomllib

    from reader.importing.run import load_profile, progress_stream, run_import
    from reader.importing.writer import Writer

    if not args.source.exists():
        print(f"reader: {args.source} does not exist", file=sys.stderr)
        return 2
    loaded = _site_settings(args.site, None)
    if loaded is None:
        return 2
    settings, _ = loaded
    try:
        profile = load_profile(args.profile)
        mapping = tomllib.loads(args.map.read_text(encoding="utf-8")) if args.map else {}
    except (OSError, ValueError) as error:
        print(f"reader: {error}", file=sys.stderr)
        return 2
    section = tuple(part for part in args.section.split("/") if part)
    writer = Writer(
        args.site,
        section=section,
        mapping={str(k): str(v) for k, v in mapping.items()},
        dry_run=args.dry_run,
        download=not args.no_download,
        language=settings.language,
    )
    try:
        summary = run_import(
            args.source, writer, settings.timezone, profile, progress=progress_stream()
        )
    except OSError as error:  # the site's disk: a source file that cannot be read is a line
        print(_unwritable(args.site, "the import", error, "import again"), file=sys.stderr)
        return 1
    if args.dry_run:
        for path in summary.written:
            print(f"would write {path}")
    for line in summary.lines():
        print(line)
    return 1 if summary.counts["failed"] else 0


def _fix(args: argparse.Namespace) -> int:
    from reader.tidy import Change, pinyin_changes, write

    loaded = _site_settings(args.site, None)
    if loaded is None:
        return 2
    settings, _ = loaded
    changes: list[Change] = []
    for found in pinyin_changes(settings.site_dir / "content"):
        if isinstance(found, Path):
            print(f"{found}: not UTF-8; save it as UTF-8 first, then run this again")
            continue
        print(found.diff(), end="")
        changes.append(found)
    total = sum(c.count for c in changes)
    print(f"{total} pinyin annotation{'s' * (total != 1)} in {len(changes)} files")
    if not changes:
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("nothing written: run again with --yes to write these changes")
            return 1
        if input("Write these changes? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing written")
            return 1
    for written, change in enumerate(changes):
        try:
            write(change)
        except OSError as error:
            then = (
                f"run this again ({written} of the {len(changes)} files were written, each whole)"
            )
            print(_unwritable(args.site, "the fix", error, then), file=sys.stderr)
            return 1
    print(f"{len(changes)} files written")
    return 0


def _preview_secret() -> str:
    """The secret previews are signed with; a warning when one is set but too short."""
    secret = secret_from_environment()
    if not secret and os.environ.get(SECRET_VARIABLE):
        logging.getLogger("reader").warning(
            "%s is shorter than %d characters: preview links are off",
            SECRET_VARIABLE,
            MIN_SECRET_LENGTH,
        )
    return secret


def _preview_link(args: argparse.Namespace) -> int:
    from reader.languages import language_settings
    from reader.urls import absolute, preview_path

    loaded = _site_settings(args.site, args.base_url)
    if loaded is None:
        return 2
    settings, _ = loaded
    secret = secret_from_environment()
    if not secret:
        print(
            f"reader: set {SECRET_VARIABLE} to a random string of {MIN_SECRET_LENGTH} or more "
            "characters, here and for reader serve (for example: openssl rand -hex 32)",
            file=sys.stderr,
        )
        return 2
    if args.hours <= 0:
        print("reader: --hours must be more than 0", file=sys.stderr)
        return 2
    wanted = Path(args.article)
    by_file = os.fspath(wanted.resolve()) if wanted.is_file() else None
    by_path = tuple(part for part in args.article.split("/") if part)
    # On a multilingual site the file says its language, and the link is that language's.
    found = (
        (own, article)
        for own in language_settings(settings)
        for article in load_catalog(own).articles
        if article.file == by_file or article.key == by_path
    )
    chosen = next(found, None)
    if chosen is None:
        print(f"reader: no article at {args.article} in {settings.site_dir}", file=sys.stderr)
        return 2
    own, article = chosen
    expires = datetime.now(UTC) + timedelta(hours=args.hours)
    print(absolute(own, preview_path(sign(secret, article.key, expires))))
    print(f"valid until {expires.isoformat(timespec='minutes')}", file=sys.stderr)
    return 0


def _build(args: argparse.Namespace) -> int:
    from reader.memory import collector_paused

    # Without the collector rescanning them meanwhile: imports are a fifth of a one-edit
    # build, and the collector 15 ms of them.
    with collector_paused():
        from reader.export import BUILD_CACHE_MB, build
        from reader.index import default_index_path, language_index_path
        from reader.languages import language_settings
        from reader.site import link_translations

    loaded = _site_settings(args.site, args.base_url)
    if loaded is None:
        return 2
    settings, problems = loaded
    settings = replace(
        settings,
        watch=False,
        exporting=True,
        cache_mb=max(settings.cache_mb, BUILD_CACHE_MB),
    )
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    for problem in problems:
        logging.getLogger("reader").warning("%s", problem)
    if not settings.base_url_configured:
        print(
            "reader: note: no base_url in site.toml; links and feeds will say "
            f"{settings.base_url} (pass --base-url)",
            file=sys.stderr,
        )
    index = None if args.no_index else default_index_path(settings)
    # A multilingual site: each language into its own folder (the root language's is out).
    sites = [
        _checked_site(own, language_index_path(index, own)) for own in language_settings(settings)
    ]
    if len(sites) > 1:
        link_translations(sites)
    failed = False
    for site in sites:
        key = site.settings.language_key
        out = args.out / key if key and key != settings.root_language else args.out
        try:
            report = build(
                site,
                out,
                workers=args.workers,
                progress=sys.stderr.isatty(),
                precompress=not args.no_precompress,
                companions=[other for other in sites if other is not site],
                full=args.full,
            )
        except OSError as error:  # a full disk, a file where a folder goes: said, not a trace
            then = "build again (what was written stays, and the next build renders every page)"
            print(_unwritable(out, "the build", error, then), file=sys.stderr)
            return 1
        for failure in report.failures:
            print(f"reader: {failure}", file=sys.stderr)
        read = f"{report.read} content file{'s' * (report.read != 1)} read"
        print(
            f"{report.files} files in {out}: {report.written} written, "
            f"{report.files - report.written} unchanged, {report.removed} removed, "
            f"in {report.seconds:.1f} s; {read}{_rendered_again(report)}",
            file=sys.stderr,
        )
        failed = failed or bool(report.failures)
    return 1 if failed else 0


def _unwritable(folder: Path, doing: str, error: OSError, then: str) -> str:
    """What a command that could not write into its folder says, and what to do about it."""
    where = f" {error.filename}:" if error.filename else ""
    return (
        f"reader: {folder}: {doing} could not write there:{where} {error.strerror or error}; "
        f"free space or move what is in the way, then {then}"
    )


def _rendered_again(report: Report) -> str:
    """What an incremental build says it did: only the outputs the changes reach."""
    if not report.incremental:
        return ""
    outputs = f"{report.rendered} output{'s' * (report.rendered != 1)}"
    return f"; {outputs} the changes reach rendered again"


@dataclasses.dataclass(frozen=True)
class AccessLogOptions:
    """How ``reader serve`` logs requests: where, in which format, with whole addresses."""

    enabled: bool = True
    path: str | None = None
    format: str = "combined"
    anonymize: bool = False

    @classmethod
    def of(cls, args: argparse.Namespace) -> AccessLogOptions:
        """The options the command line gives."""
        path = os.fspath(args.access_log) if args.access_log else None
        return cls(not args.no_access_log, path, args.access_log_format, args.access_log_anonymize)

    def applied(self, app: ReaderApp) -> ReaderApp:
        """The app, logging each request (in each language) when the log is on."""
        if not self.enabled:
            return app
        from reader.accesslog import AccessLog

        path = Path(self.path) if self.path else None
        access_log = AccessLog(path, fmt=self.format, anonymize=self.anonymize)
        access_log.start()
        access_log.reopen_on_signal()
        for own in (app, *app.languages):
            own.access_log = access_log
        return app


@dataclasses.dataclass(frozen=True)
class ServeOptions:
    """What a worker process needs to build the same app as every other worker."""

    site_dir: str
    base_url: str
    watch: bool
    preview: bool
    index_path: str | None
    access_log: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(
        cls, settings: Settings, index_path: Path | None, access_log: AccessLogOptions
    ) -> ServeOptions:
        """The options that rebuild ``settings`` and its access log in another process."""
        index = os.fspath(index_path) if index_path is not None else None
        site = os.fspath(settings.site_dir)
        logging_options = dataclasses.asdict(access_log)
        return cls(
            site, settings.base_url, settings.watch, settings.preview, index, logging_options
        )

    def to_json(self) -> str:
        """The options as one environment variable's value."""
        return json.dumps(dataclasses.asdict(self))


def app_from_environment() -> ReaderApp:
    """The app a worker process serves (uvicorn's factory for ``reader serve --workers``)."""
    from reader.app import create_app

    # A worker is a fresh interpreter: without this, its reloads would go unreported.
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    options = ServeOptions(**json.loads(os.environ[SERVE_OPTIONS]))
    settings, _ = load_settings(Path(options.site_dir), base_url=options.base_url)
    settings = replace(
        settings,
        watch=options.watch,
        preview=options.preview,
        preview_secret=secret_from_environment(),
    )
    index = Path(options.index_path) if options.index_path else None
    logging_options = AccessLogOptions(**options.access_log)
    return logging_options.applied(create_app(settings, index_path=index))
