"""``governance-api``: serve | worker | db upgrade | create-admin | seed-demo | export-openapi."""

import argparse
import json
import logging
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from governance_api.settings import get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from governance_api.app import configure_logging
    from governance_api.migrate import upgrade

    settings = get_settings()
    configure_logging(settings.log_level)
    upgrade(settings)
    # --with-worker: one `governance-api worker` beside the server, for a single machine (the first
    # command of the README, one container). Scaled out, workers run as processes of their own.
    worker = _WorkerBeside(settings.worker_lease_seconds) if args.with_worker else None
    try:
        uvicorn.run(
            "governance_api.app:served_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=False,
            log_level="warning",
        )
    finally:
        if worker is not None:
            worker.stop()


class _WorkerBeside:
    """The worker process of ``serve --with-worker``, started again (after a pause) when it dies —
    killed, or crashed — so deliveries and reminders do not stop silently while the server runs. A
    worker that exits 0 was stopped on purpose (a signal to the process group, or its parent gone)
    and is left stopped. On SIGTERM uvicorn ends this process before ``stop`` runs; the worker then
    stops on its own once its parent is gone (``--stop-with-parent``)."""

    COMMAND = (sys.executable, "-m", "governance_api", "worker", "--stop-with-parent")
    RESTART_PAUSE = 5.0

    def __init__(self, grace: float) -> None:
        self.grace = grace  # SIGTERM lets it record the batch in hand: at most a lease long
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.process = subprocess.Popen(self.COMMAND)
        threading.Thread(target=self._watch, name="worker-watch", daemon=True).start()

    def _watch(self) -> None:
        log = logging.getLogger(__name__)
        while True:
            code = self.process.wait()
            if code == 0 or self.stopping.wait(self.RESTART_PAUSE):
                return
            with self.lock:  # not started again once stop() has begun
                if self.stopping.is_set():
                    return
                log.error("the worker ended (exit %s); starting it again", code)
                try:
                    self.process = subprocess.Popen(self.COMMAND)
                except OSError:
                    log.exception("could not start the worker; trying again in %g s", self.RESTART_PAUSE)

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
        self.process.terminate()  # SIGTERM: it records the batch in hand, then exits
        try:
            self.process.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            self.process.kill()  # its leases run out; another round sends that batch again
            self.process.wait()


def _worker(args: argparse.Namespace) -> None:
    from governance_api.app import configure_logging
    from governance_api.delivery.runner import run_worker

    settings = get_settings()
    configure_logging(settings.log_level)
    run_worker(settings, once=args.once, stop_with_parent=args.stop_with_parent)


def _upgrade(_: argparse.Namespace) -> None:
    from governance_api.migrate import upgrade

    upgrade(get_settings())
    print("database is at the latest revision")


def _create_admin(args: argparse.Namespace) -> None:
    from pydantic import ValidationError

    from governance_api.core.errors import DomainError
    from governance_api.demo import create_admin

    try:
        print(f"created admin {create_admin(get_settings(), args.username, args.password)}")
    except ValidationError as exc:
        sys.exit(f"invalid input: {exc.errors(include_url=False)}")
    except DomainError as exc:  # e.g. the username is taken
        sys.exit(f"cannot create admin: {exc.detail}")


def _seed_demo(_: argparse.Namespace) -> None:
    from governance_api.demo import DemoSeedFailed, seed_demo

    try:
        print(seed_demo(get_settings()))
    except DemoSeedFailed as exc:  # the API refused a step: say which, and that the world is partial
        sys.exit(
            f"seed-demo failed: {exc}\nThe database now holds part of the demo world; "
            "run seed-demo again on an empty database."
        )


def openapi_text(app: "FastAPI") -> str:
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _export_openapi(args: argparse.Namespace) -> None:
    from governance_api.app import create_app

    text = openapi_text(create_app())
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="governance-api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="apply migrations, then run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--with-worker", action="store_true", help="also run one `governance-api worker` (events out, reminders)"
    )
    serve.set_defaults(func=_serve)
    worker = sub.add_parser(
        "worker", help="deliver webhook events and raise the reminders (run beside serve; stops on SIGTERM)"
    )
    worker.add_argument("--once", action="store_true", help="stop when a round finds nothing to do")
    worker.add_argument(
        "--stop-with-parent",
        action="store_true",
        help="stop when the process that started it ends (serve --with-worker)",
    )
    worker.set_defaults(func=_worker)
    db = sub.add_parser("db", help="database commands").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply every migration").set_defaults(func=_upgrade)
    admin = sub.add_parser("create-admin", help="create a user holding the admin role")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password", required=True)
    admin.set_defaults(func=_create_admin)
    sub.add_parser(
        "seed-demo", help="create the demo street, its users, and decisions and disputes in every state"
    ).set_defaults(func=_seed_demo)
    export = sub.add_parser("export-openapi", help="write the OpenAPI document")
    export.add_argument("--output", default="openapi/openapi.json", help="a path, or - for stdout")
    export.set_defaults(func=_export_openapi)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)
