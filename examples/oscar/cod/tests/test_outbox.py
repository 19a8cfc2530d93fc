"""The outbox sends each message once, even when the sender is killed between the gateway taking
the message and the shop recording it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection
from django.test import TransactionTestCase, override_settings

from cod import outbox, services
from cod.models import OutboxMessage
from cod.senders import FileSender, HttpSender
from cod.tests.fake_gateway import FakeGateway
from cod.tests.helpers import NEW, any_hour, load_demo, place

SHOP = Path(__file__).resolve().parents[2]


def clear_history() -> None:
    # TransactionTestCase flushes Django's tables only; codguard's own tables are emptied here.
    with connection.cursor() as cur:
        cur.execute("TRUNCATE cg_keys, cg_orders")


@any_hour
class Outbox(TransactionTestCase):
    def setUp(self) -> None:
        clear_history()
        load_demo()
        self.order = place(NEW, "T-OUTBOX")
        self.msg = OutboxMessage.objects.get(order=self.order)

    def tearDown(self) -> None:
        clear_history()

    def later(self) -> int:
        return services.now() + 3600  # past any sender's lease

    def test_http_sender_sends_once_with_the_token(self) -> None:
        with FakeGateway() as gw:
            sender = HttpSender(gw.url, gw.token)
            self.assertEqual(outbox.send_pending(sender)["sent"], 1)
            self.assertEqual(outbox.send_pending(sender, at=self.later()).total(), 0)
        self.assertEqual(len(gw.received), 1)
        self.assertEqual(gw.received[0]["to"], "+212612784903")
        self.assertEqual(gw.received[0]["client_ref"], self.msg.client_ref)
        self.msg.refresh_from_db()
        self.assertEqual((self.msg.status, self.msg.provider_id), (OutboxMessage.SENT, "gw-1"))

    def test_killed_between_send_and_record_never_sends_twice(self) -> None:
        with FakeGateway() as gw:
            gw.mode = "hang"  # takes the message, then never answers
            db = connection.settings_dict
            env = {
                **os.environ,
                "COD_SHOP_DSN": f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                "COD_SENDER": f"http:{gw.url}",
                "COD_SENDER_TOKEN": gw.token,
            }
            proc = subprocess.Popen(
                [sys.executable, "manage.py", "cod_tick", "--only-send"],
                cwd=SHOP, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            assert proc.stderr is not None
            try:
                deadline = time.monotonic() + 120
                while not gw.received and time.monotonic() < deadline and proc.poll() is None:
                    time.sleep(0.05)
                self.assertEqual(len(gw.received), 1, proc.stderr.read().decode() if proc.poll() is not None else "")
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                proc.stderr.close()
            self.msg.refresh_from_db()
            self.assertEqual(self.msg.status, OutboxMessage.SENDING)  # sent, not recorded

            gw.mode = "ok"
            sender = HttpSender(gw.url, gw.token)
            # While the dead sender's lease runs, nobody touches the message.
            self.assertEqual(outbox.send_pending(sender).total(), 0)
            counts = outbox.send_pending(sender, at=self.later())
        self.assertEqual(dict(counts), {"recovered": 1})
        self.assertEqual(len(gw.received), 1)
        self.msg.refresh_from_db()
        self.assertEqual((self.msg.status, self.msg.provider_id), (OutboxMessage.SENT, "gw-1"))

    def test_unknown_outcome_the_gateway_never_saw_is_sent_once(self) -> None:
        with FakeGateway() as gw:
            gw.mode = "fail_once"
            sender = HttpSender(gw.url, gw.token)
            self.assertEqual(dict(outbox.send_pending(sender)), {"unknown": 1})
            self.assertEqual(gw.received, [])
            self.assertEqual(dict(outbox.send_pending(sender, at=self.later())), {"sent": 1})
            self.assertEqual(outbox.send_pending(sender, at=self.later() + 3600).total(), 0)
        self.assertEqual(len(gw.received), 1)

    def test_refused_messages_move_the_flow_to_the_next_channels(self) -> None:
        with FakeGateway() as gw:
            gw.mode = "refuse"
            outbox.send_pending(HttpSender(gw.url, gw.token))
        self.msg.refresh_from_db()
        self.assertEqual(self.msg.status, OutboxMessage.FAILED)
        channels = list(OutboxMessage.objects.filter(order=self.order).values_list("channel", flat=True))
        # The gateway refuses the WhatsApp too: the email (no link) is next.
        self.assertEqual(channels, ["sms", "whatsapp", "email"])

    def test_wrong_token_is_a_refusal(self) -> None:
        with FakeGateway() as gw:
            outbox.send_pending(HttpSender(gw.url, "wrong"))
        self.assertEqual(gw.received, [])
        self.msg.refresh_from_db()
        self.assertEqual(self.msg.status, OutboxMessage.FAILED)

    def test_file_sender_recovers_from_its_own_file(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "outbox.log"
            sender = FileSender(path)
            # The sender died after writing the line: the message is still "sending".
            OutboxMessage.objects.filter(pk=self.msg.pk).update(status=OutboxMessage.SENDING, lease_until=0)
            sender.send(self.msg)
            self.assertEqual(dict(outbox.send_pending(sender)), {"recovered": 1})
            self.assertEqual(len(path.read_text(encoding="utf-8").splitlines()), 1)

    @override_settings(COD_SENDER="file:/dev/null/x")
    def test_sender_from_settings(self) -> None:
        from cod.senders import from_settings

        self.assertIsInstance(from_settings(), FileSender)
        with override_settings(COD_SENDER="smoke-signals"), self.assertRaises(ValueError):
            from_settings()
