"""The periodic job: drives every open flow whose next_deadline has come (a `tick` from its
stored snapshot), then sends the outbox. Run it from cron every minute, or with --every N.
"""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from cod import outbox, senders, services


class Command(BaseCommand):
    help = "Ticks due confirmation flows and sends the outbox."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="loop, every N seconds")
        parser.add_argument("--now", type=int, default=None, help="the time (Unix seconds; tests)")
        parser.add_argument("--lease", type=int, default=None, help="seconds a sender holds a message")
        parser.add_argument("--no-send", action="store_true", help="only tick the flows")
        parser.add_argument("--only-send", action="store_true", help="only send the outbox")

    def handle(
        self,
        *args: Any,
        every: int,
        now: int | None,
        lease: int | None,
        no_send: bool,
        only_send: bool,
        **options: Any,
    ) -> None:
        sender = None if no_send else senders.from_settings()
        while True:
            ticked = 0 if only_send else services.tick_due(now)
            counts = {} if sender is None else dict(outbox.send_pending(sender, now, lease))
            if ticked or counts or not every:
                self.stdout.write(f"flows ticked: {ticked}, outbox: {counts}")
            if not every:
                return
            time.sleep(every)
