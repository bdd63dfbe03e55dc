"""The `datascores` command: demo, serve, worker, and every manage.py command."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from pathlib import Path

QUEUES = "extract,ocr,index"


def _setup(home: str | None) -> None:
    if home:
        os.environ["DATASCORES_HOME"] = str(Path(home).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datascores.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def worker_command(concurrency: int = 2) -> list[str]:
    """The Celery worker (no embedded beat: beat runs as its own supervised process, so a
    killed worker never leaves an orphaned scheduler behind)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "datascores",
        "worker",
        "-Q",
        QUEUES,
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "INFO",
    ]


def beat_command() -> list[str]:
    from django.conf import settings

    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "datascores",
        "beat",
        "-s",
        settings.CELERY_BEAT_SCHEDULE_FILENAME,
        "--loglevel",
        "INFO",
    ]


def supervisor(concurrency: int = 2):
    """The worker and beat of this home, supervised (see processes.Supervisor)."""
    from datascores.documents.workers import pidfile
    from datascores.processes import Supervisor

    log = pidfile().with_name("worker.log")
    sup = Supervisor(log)
    sup.add("worker", lambda: worker_command(concurrency), pidfile=pidfile())
    sup.add("beat", beat_command, pidfile=pidfile().with_name("beat.pid"))
    return sup


def serve(host: str, port: int, with_worker: bool = True) -> None:
    from django.conf import settings
    from waitress import serve as waitress_serve

    from datascores.documents.workers import pidfile
    from datascores.wsgi import application

    _migrate()
    # Stop cleanly on SIGTERM as on Ctrl-C, so the worker is stopped and its pidfile removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sup = supervisor() if with_worker else None
    if sup:
        sup.start()
    print(f"Data Scores on http://{host}:{port}/  (home: {settings.HOME})", flush=True)
    if sup:
        print(
            f"Worker pid {sup.pid('worker')}, beat pid {sup.pid('beat')}, "
            f"log {pidfile().with_name('worker.log')}",
            flush=True,
        )
    try:
        waitress_serve(application, host=host, port=port, threads=8, ident="datascores")
    finally:
        if sup:
            sup.stop()


def run_worker(concurrency: int) -> None:
    """`datascores worker`: the worker and beat, supervised, in the foreground."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sup = supervisor(concurrency)
    sup.start()
    print(f"Worker pid {sup.pid('worker')}, beat pid {sup.pid('beat')}", flush=True)
    try:
        sup.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sup.stop()


def create_admin() -> str | None:
    """Create the demo admin account and return its password (None if it exists)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username="admin").exists():
        return None  # never reset someone's password behind their back
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser("admin", "", password)
    return password


def load_demo_corpus() -> dict:
    """Build the project's own sample corpus into the home and ingest it here."""
    from django.conf import settings
    from tqdm import tqdm

    from datascores.demo.corpus import build_corpus, read_manifest
    from datascores.documents.pipeline import ingest_path, inline_processing

    dest = settings.HOME / "sample-corpus"
    build_corpus(dest)
    entries = read_manifest(dest)
    created = 0
    with inline_processing():
        for e in tqdm(entries, desc="demo corpus", unit="file"):
            outcome = ingest_path(
                e.path,
                source_type=e.source_type,
                title=e.title,
                published_at=e.published_at,
                received_at=e.received_at,
                # The issuing body and reference, as an FOI importer would record them.
                metadata={"authority": e.authority, "foi_reference": e.reference},
            )
            created += outcome.created
    return {"files": len(entries), "new": created}


def index_everything() -> None:
    from django.core.management import call_command

    call_command("search_index", "sweep")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        _setup(None)
        from django.core.management import execute_from_command_line

        execute_from_command_line(["datascores", *argv[1:]])
        return

    parser = argparse.ArgumentParser(prog="datascores", description=__doc__)
    parser.add_argument("--home", help="DATASCORES_HOME (default ./var)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("demo", "create the home, load the sample corpus and serve it"),
        ("serve", "serve an existing home with its worker"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--no-worker", action="store_true", help="serve the site only")
    sub.choices["demo"].add_argument(
        "--no-serve", action="store_true", help="load the demo and exit"
    )
    w = sub.add_parser("worker", help="run a worker (all queues) and beat, supervised")
    w.add_argument("--concurrency", type=int, default=2)
    sub.add_parser("manage", help="any manage.py command: datascores manage ingest PATH")
    args = parser.parse_args(argv)
    if args.command in ("demo", "serve"):
        # A served site never shows Django's debug pages (DJANGO_DEBUG=1 still can).
        os.environ.setdefault("DJANGO_DEBUG", "0")
    _setup(args.home)

    if args.command == "worker":
        run_worker(args.concurrency)
        return
    if args.command == "demo":
        _migrate()
        password = create_admin()
        print("Loading the sample corpus (fictional documents written for this demo)…", flush=True)
        stats = load_demo_corpus()
        index_everything()
        print(f"Sample corpus: {stats['files']} files, {stats['new']} new documents.")
        admin_url = f"http://{args.host}:{args.port}/admin/"
        if password:
            print(f"Admin: {admin_url}  user: admin  password: {password}")
        else:
            print(
                f"Admin: {admin_url}  user: admin (already existed; password unchanged: "
                "`datascores manage changepassword admin` sets a new one)"
            )
        if args.no_serve:
            return
    serve(args.host, args.port, with_worker=not args.no_worker)


if __name__ == "__main__":
    main()
