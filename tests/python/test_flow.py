"""The confirmation flow from Python: a simulated clock, storage between events, properties."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codguard
from conftest import T0, order

H = 3600
SECRET = b"shop-secret"


def flow(**kw) -> codguard.ConfirmationFlow:
    return codguard.ConfirmationFlow(order("o-1", phone="+212696030620"), secret=SECRET, **kw)


def test_timeline_with_a_simulated_clock() -> None:
    f = flow()
    first = f.handle({"type": "placed", "at": T0})
    assert [(a["type"], a["channel"]) for a in first] == [("send", "sms")]
    assert first[0]["to"] == "+212696030620" and first[0]["link"]
    seen = []
    while f.next_deadline is not None:
        seen += [a.get("channel", a["type"]) for a in f.handle({"type": "tick", "at": f.next_deadline})]
        if f.state == "awaiting_call":
            f.handle({"type": "call_result", "at": f.next_deadline - 1, "result": "no_answer"})
    assert seen[:3] == ["whatsapp", "email", "flag_for_call"]
    assert seen[-1] == "cancel"
    assert f.state == "cancelled"


def test_link_click_confirms_and_aware_datetimes_work() -> None:
    f = flow()
    link = f.handle({"type": "placed", "at": datetime.datetime.fromtimestamp(T0, datetime.timezone.utc)})[0]["link"]
    token = link.rsplit("/", 1)[-1]
    assert f.verify_link(token, T0 + 60) is None
    assert f.handle({"type": "link_clicked", "at": T0 + 60, "token": token}) == [{"type": "confirm"}]
    assert (f.state, f.next_deadline) == ("confirmed", None)


def test_reply_intent_drives_the_flow() -> None:
    f = flow()
    f.handle({"type": "placed", "at": T0})
    reply = codguard.reply_intent("رقمي الجديد 0661487329", "MA")
    assert reply == {"intent": "new_phone", "phone": "+212661487329"}
    actions = f.handle({"type": "reply", "at": T0 + H, "channel": "sms", **reply})
    assert actions[0]["to"] == "+212661487329"
    assert f.phone == "+212661487329"
    assert codguard.reply_intent("wakha")["intent"] == "confirm"
    assert f.handle({"type": "reply", "at": T0 + 2 * H, "channel": "whatsapp", "intent": "confirm"}) == [{"type": "confirm"}]


def test_the_page_asks_for_the_address_and_a_failed_delivery_is_rescheduled() -> None:
    f = codguard.ConfirmationFlow(order("o-1", phone="+212696030620", address=""), secret=SECRET)
    assert f.needs_address
    token = f.handle({"type": "placed", "at": T0})[0]["link"].rsplit("/", 1)[-1]
    window = {"day": "2026-01-02", "slot": "evening"}
    assert f.handle({"type": "link_clicked", "at": T0 + 60, "token": token, "delivery_window": window,
                     "address": "12 زنقة ابن بطوطة، حي المعاريف"}) == [
        {"type": "confirm", "delivery_window": window, "address": "12 زنقة ابن بطوطة، حي المعاريف"}]
    assert not f.needs_address
    sent = f.handle({"type": "delivery_failed", "at": T0 + 26 * H, "reason": "address_problem"})
    assert [(a["channel"], a["template"]) for a in sent] == [("sms", "reschedule")]
    assert f.state == "awaiting_reschedule" and f.needs_address
    fresh = sent[0]["link"].rsplit("/", 1)[-1]
    assert fresh != token
    assert f.handle({"type": "link_clicked", "at": T0 + 27 * H, "token": fresh, "choice": "cancel"}) == [
        {"type": "return_to_sender", "outcome": "returned"}]
    assert f.state == "returned" and f.next_deadline is None


def test_malformed_windows_are_invalid_events() -> None:
    f = flow()
    f.handle({"type": "placed", "at": T0})
    for window in ({"day": "2026-02-29", "slot": "morning"}, {"day": "02/01/2026", "slot": "morning"},
                   {"day": "2026-01-02", "slot": "night"}, {"day": "2026-01-02"}, "tomorrow"):
        with pytest.raises(codguard.InvalidEvent):
            f.handle({"type": "link_clicked", "at": T0 + 60, "token": "x", "delivery_window": window})
    with pytest.raises(codguard.InvalidEvent):
        f.handle({"type": "link_clicked", "at": T0 + 60, "token": "x", "address": "x" * 501})
    with pytest.raises(codguard.InvalidEvent):
        f.handle({"type": "delivery_failed", "at": T0 + 60, "reason": "lost"})
    assert f.state == "awaiting_sms"


def test_the_send_guard_stops_sms_pumping_and_the_flow_moves_on() -> None:
    """A Moroccan shop, an order with a British number: each paid message is denied, the flow
    falls back to the email, and the guard's snapshot survives a restart."""
    guard = codguard.SendGuard({"countries": ["MA"]}, secret=SECRET)
    f = codguard.ConfirmationFlow(order("o-9", phone="+447400123456"), secret=SECRET)
    pending = f.handle({"type": "placed", "at": T0})
    sent = []
    while pending:
        action = pending.pop(0)
        if action["type"] != "send":
            continue
        denied = guard.admit(action, T0 + len(sent), "MA")
        guard = codguard.SendGuard.restore(guard.snapshot(), {"countries": ["MA"]}, secret=SECRET)
        if denied is None:
            sent.append(action["channel"])
        else:
            assert denied["reason"] == "country_not_allowed"
            pending += f.handle(denied)
    assert sent == ["email"] and f.state == "awaiting_email"
    with pytest.raises(codguard.SnapshotError):
        codguard.SendGuard.restore(guard.snapshot(), secret=b"another secret")
    with pytest.raises(codguard.InvalidConfig):
        codguard.SendGuard({"countries": ["Maroc"]}, secret=SECRET)
    with pytest.raises(codguard.InvalidOrder):
        guard.admit({"type": "confirm"}, T0, "MA")


def test_a_flow_snapshot_is_sealed() -> None:
    """Issue 16 item 4: every single-bit flip, an edited row, another secret: all refused."""
    f = flow(nonce=b"fixed-test-nonce")
    f.handle({"type": "placed", "at": T0})
    data = f.snapshot()
    assert codguard.ConfirmationFlow.restore(data, SECRET).state == "awaiting_sms"
    for i in range(len(data) * 8):
        flipped = bytearray(data)
        flipped[i // 8] ^= 1 << (i % 8)
        with pytest.raises(codguard.SnapshotError):
            codguard.ConfirmationFlow.restore(bytes(flipped), SECRET)
    with pytest.raises(codguard.SnapshotError):
        codguard.ConfirmationFlow.restore(data, b"another secret")
    edited = data.replace(b'\\"order_id\\":\\"o-1\\"', b'\\"order_id\\":\\"o-2\\"')
    assert edited != data
    with pytest.raises(codguard.SnapshotError):
        codguard.ConfirmationFlow.restore(edited, SECRET)


def test_a_total_that_is_no_amount_is_refused() -> None:
    """Issue 16 item 5: a NaN total used to be stored as null and lose the flow."""
    for total in (float("nan"), float("inf"), -float("inf"), -1.0, 1e13):
        with pytest.raises(codguard.InvalidOrder):
            codguard.ConfirmationFlow(order("o-1", total=total), secret=SECRET)


def test_a_flow_accepts_only_its_own_latest_link() -> None:
    """Issue 16 item 8: tokens are bound to the flow that sent them."""
    first = flow()
    token = first.handle({"type": "placed", "at": T0})[0]["link"].rsplit("/", 1)[-1]
    # A review flow for the same order never sent a link: neither its link nor a genuine order
    # token of the same id confirms it.
    review = flow(action="review")
    assert review.handle({"type": "placed", "at": T0}) == [{"type": "flag_for_call"}]
    genuine = codguard.issue_token(SECRET, "o-1", T0 + 3600)
    for t in (token, genuine):
        with pytest.raises(codguard.InvalidToken):
            review.verify_link(t, T0 + 60)
        assert review.handle({"type": "link_clicked", "at": T0 + 60, "token": t}) == []
    assert review.state == "awaiting_call"
    # The flow restarted for the reused order id: the old link neither passes nor confirms.
    restarted = flow()
    second = restarted.handle({"type": "placed", "at": T0 + 60})[0]["link"].rsplit("/", 1)[-1]
    assert second != token
    with pytest.raises(codguard.InvalidToken) as e:
        restarted.verify_link(token, T0 + 120)
    assert e.value.code == "token_wrong_order"
    assert restarted.handle({"type": "link_clicked", "at": T0 + 120, "token": token}) == []
    assert restarted.handle({"type": "link_clicked", "at": T0 + 130, "token": second}) == [{"type": "confirm"}]
    # Fixed nonces replay identically; a nonce of the wrong size is refused.
    assert flow(nonce=b"fixed-test-nonce").handle({"type": "placed", "at": T0}) == flow(
        nonce="fixed-test-nonce").handle({"type": "placed", "at": T0})
    with pytest.raises(codguard.InvalidConfig):
        flow(nonce=b"short")


def test_a_huge_name_is_cut_in_the_message() -> None:
    """Issue 16 item 6: a 1 MB name made one SMS of 6,855 parts. (A record's name is now at most
    16,384 bytes: the longest it may be is still cut.)"""
    f = codguard.ConfirmationFlow(order("o-1", name="Salma " * 2_730, phone="+212696030620"), secret=SECRET)
    sms = f.handle({"type": "placed", "at": T0})[0]
    assert sms["segments"] <= 2 and len(sms["body"]) < 300
    assert "Salma Salma" in sms["body"]
    f = codguard.ConfirmationFlow(order("o-2", name="سلمى\nطلبك ملغى، اتصل بالرقم +447400123456 " * 250,
                                        phone="+212696030620"), secret=SECRET)
    sms = f.handle({"type": "placed", "at": T0})[0]
    assert "\n" not in sms["body"].split("،", 1)[0] and sms["segments"] <= 5


def test_action_from_an_assessment() -> None:
    engine = codguard.Engine()
    a = engine.assess(order("o-1", phone="123", name="asdf", email="test@test.com", address="xxx"))
    f = codguard.ConfirmationFlow(order("o-1"), secret=SECRET, action=a)
    assert f.handle({"type": "placed", "at": T0}) == [{"type": "cancel", "reason": "rejected"}]


EVENT = st.one_of(
    st.builds(lambda dt: {"type": "tick", "dt": dt}, st.integers(0, 60 * H)),
    st.builds(lambda dt, ch, i: {"type": "reply", "dt": dt, "channel": ch, "intent": i},
              st.integers(0, 60 * H), st.sampled_from(["sms", "whatsapp", "email", "call"]),
              st.sampled_from(["confirm", "cancel", "unknown"])),
    st.builds(lambda dt, r: {"type": "call_result", "dt": dt, "result": r},
              st.integers(0, 60 * H), st.sampled_from(["confirmed", "cancelled", "no_answer", "wrong_number"])),
    st.builds(lambda dt, ch: {"type": "send_failed", "dt": dt, "channel": ch},
              st.integers(0, 60 * H), st.sampled_from(["sms", "whatsapp", "email", "call"])),
    st.builds(lambda dt, t: {"type": "link_clicked", "dt": dt, "token": t}, st.integers(0, 60 * H), st.text(max_size=40)),
    st.builds(lambda dt, p: {"type": "reply", "dt": dt, "channel": "sms", "intent": "new_phone", "phone": p},
              st.integers(0, 60 * H), st.text(max_size=20)),
)


@settings(max_examples=150, deadline=None)
@given(action=st.sampled_from(["confirm", "review", "auto_confirm", "reject", "require_prepayment"]),
       events=st.lists(EVENT, max_size=12))
def test_any_events_give_actions_or_invalid_event_and_replay_identically(action: str, events: list[dict]) -> None:
    live = flow(action=action, nonce=b"hypothesis-nonce")
    stored = flow(action=action, nonce=b"hypothesis-nonce").snapshot()
    log = []
    for e in [{"type": "placed", "dt": 0}, *events]:
        event = {k: v for k, v in e.items() if k != "dt"} | {"at": T0 + e["dt"]}
        restored = codguard.ConfirmationFlow.restore(stored, SECRET)
        outs = []
        for f in (live, restored):
            try:
                outs.append(f.handle(event))
            except codguard.Error as err:
                assert isinstance(err, codguard.InvalidEvent)
                outs.append(err.code)
        assert outs[0] == outs[1]
        assert (live.state, live.next_deadline) == (restored.state, restored.next_deadline)
        if isinstance(outs[0], list) and live.next_deadline is not None:
            # After any accepted event the next deadline lies strictly ahead.
            assert live.next_deadline > event["at"]
        stored = restored.snapshot()
        log.append(outs[0])
    # Replaying the same events from the start gives the same actions.
    again = flow(action=action, nonce=b"hypothesis-nonce")
    for e, expected in zip([{"type": "placed", "dt": 0}, *events], log):
        event = {k: v for k, v in e.items() if k != "dt"} | {"at": T0 + e["dt"]}
        try:
            assert again.handle(event) == expected
        except codguard.Error as err:
            assert err.code == expected
