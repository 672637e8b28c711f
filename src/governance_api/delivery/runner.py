"""The worker's loop: fan out → deliver → (every ``REMINDER_INTERVAL``) reminders, and a nap of
``worker_poll_seconds`` when there was nothing to do.

SIGTERM or SIGINT sets a flag: the batch in hand is sent and recorded, then the loop ends and the
process exits 0. A failed duty (a database error, or any other) is logged and the others still run,
then the loop carries on after a nap: a restart of the database, or a worker started before
``serve`` applied the migrations, is waited out, and an outbox row that trips fan-out never stops
the deliveries and reminders.

Several workers may run against PostgreSQL (on several machines): every claim skips rows another
worker holds. On SQLite run one worker: its writes take the database's single write lock, which the
HTTP server needs too."""

import asyncio
import contextlib
import datetime as dt
import logging
import os
import random
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from governance_api.db import Database
from governance_api.delivery import reminders
from governance_api.delivery.fanout import fan_out
from governance_api.delivery.sending import Sender, deliver_batch, new_client
from governance_api.models.base import utcnow
from governance_api.settings import Settings

log = logging.getLogger(__name__)

REMINDER_INTERVAL = dt.timedelta(seconds=60)
PARENT_CHECK_SECONDS = 1.0


@dataclass
class Worker:
    settings: Settings
    db: Database
    clock: Callable[[], dt.datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _last_reminders: dt.datetime | None = None

    def stop(self) -> None:
        self.stopping.set()

    async def step(self, sender: Sender, *, once: bool = False) -> int:
        """One round of every duty; how much work it found. A duty that raises is logged and the
        others still run (``once``: it is raised, for tests and cron)."""
        done = 0
        with self._duty("fan-out", once):
            done += fan_out(self.db, self.clock(), self.settings.worker_batch_size)
        with self._duty("delivery", once):  # a batch not recorded: its leases run out, it is sent again
            done += await deliver_batch(self.db, self.settings, sender, self.clock, self.rng)
        now = self.clock()
        if self._last_reminders is None or now - self._last_reminders >= REMINDER_INTERVAL:
            self._last_reminders = now
            with self._duty("reminders", once):
                done += reminders.run(self.db, self.settings, now)
        return done

    @staticmethod
    @contextlib.contextmanager
    def _duty(name: str, once: bool) -> Iterator[None]:
        try:
            yield
        except Exception:  # a database restart, or a bug one row trips: the other duties go on
            if once:
                raise
            log.exception("worker %s failed; retrying after a pause", name)

    async def run(self, *, once: bool = False) -> None:
        """Loop until stopped; ``once``: until a round finds nothing to do (tests, cron)."""
        async with new_client(self.settings) as client:
            sender = Sender(self.settings, client)
            while not self.stopping.is_set():
                done = await self.step(sender, once=once)
                if done:
                    continue
                if once:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), timeout=self.settings.worker_poll_seconds)


async def _watch_parent(worker: Worker, parent: int) -> None:
    """Stop once the process that started this one is gone (it is re-parented): ``serve
    --with-worker`` may end without a chance to stop its worker (uvicorn re-raises the SIGTERM it
    caught once it has shut down, which ends the process at once)."""
    while not worker.stopping.is_set():
        if os.getppid() != parent:
            worker.stop()
            return
        await asyncio.sleep(PARENT_CHECK_SECONDS)


def run_worker(settings: Settings, *, once: bool = False, stop_with_parent: bool = False) -> None:
    """The ``governance-api worker`` process: exits 0 after SIGTERM/SIGINT once the batch in hand
    is recorded (and, with ``stop_with_parent``, once its parent process is gone)."""
    db = Database(settings)
    parent = os.getppid()

    async def main() -> None:
        worker = Worker(settings, db)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.stop)
        watch = asyncio.create_task(_watch_parent(worker, parent)) if stop_with_parent else None
        log.info("worker started (batch %d, concurrency %d)", settings.worker_batch_size, settings.worker_concurrency)
        await worker.run(once=once)
        if watch is not None:
            watch.cancel()
        log.info("worker stopped")

    try:
        try:
            import uvloop
        except ImportError:  # e.g. Windows: the plain asyncio loop
            asyncio.run(main())
        else:
            uvloop.run(main())
    finally:
        db.dispose()
