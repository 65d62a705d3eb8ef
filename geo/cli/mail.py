"""`python -m geo outbox` and `send-reminders`: the outbox as the admins and cron see it.

`send-reminders` is meant for a daily cron line and is idempotent (it also flags GUP problems left « transmis »
15 days and erases reporters' addresses 30 days after their report closed); `outbox --send` tries every pending message now
(a message already sent, or being sent by another process, is never sent again).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.mail.outbox import Delivery, Outbox


def _outbox() -> Outbox:
    from geo import services

    return services.outbox()


def deliver_now(box: Outbox, *, force: bool = False) -> Delivery:
    """Sends what waits (with GUP_SMTP_URL) and says so on the error output; a command that queued mail calls it."""
    from geo.mail.outbox import Mailer

    mailer = Mailer.configured()
    done = box.deliver(mailer, force=force)
    if mailer is None:
        if done.waiting:
            print(f"{done.waiting} courriel(s) en attente : GUP_SMTP_URL n'est pas réglé, rien n'est envoyé.",
                  file=sys.stderr)
    elif done.sent or done.failed or done.waiting:
        print(f"Courriels : {done.sent} envoyé(s), {done.failed} en échec, {done.waiting} en attente "
              f"({mailer.server.shown}).", file=sys.stderr)
    return done


def _list(args: argparse.Namespace) -> int:
    box = _outbox()
    if args.send:
        deliver_now(box, force=True)
    entries = box.entries()
    if args.json:
        print(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        print(entry)
    counts = box.counts()
    said = ", ".join(f"{n} {state.value}" for state, n in sorted(counts.items())) or "vide"
    print(f"Boîte d'envoi : {said}.", file=sys.stderr)
    return 0


def _send_reminders(args: argparse.Namespace) -> int:
    from geo import services

    box = services.outbox()
    planned = services.daily_round().run(dry_run=args.dry_run)
    for item in planned:
        m = item.message
        mark = "" if item.written else " (déjà dans la boîte d'envoi : rien de plus)"
        print(f"[{m.reason.value}] → {m.recipient} : {m.subject}{mark}")
    written = sum(item.written for item in planned)
    if args.dry_run:
        print(f"{written} courriel(s) partiraient (rien n'est écrit ni envoyé : --dry-run).", file=sys.stderr)
        return 0
    written += services.problems().daily()  # problems without news; addresses kept past their 30 days
    box.forget_old_bodies()  # what sent mail said, past GUP_OUTBOX_KEEP_DAYS
    print(f"{written} courriel(s) ajouté(s) à la boîte d'envoi." if written else "Rien à envoyer aujourd'hui.",
          file=sys.stderr)
    deliver_now(box)
    return 0


def register(sub: Any) -> None:
    box = sub.add_parser("outbox", help="la boîte d'envoi des courriels : en attente, envoyés, en échec")
    box.add_argument("--json", action="store_true", help="sortie JSON")
    box.add_argument("--send", action="store_true", help="essaie d'envoyer maintenant les courriels en attente")
    box.set_defaults(run=_list)

    rem = sub.add_parser("send-reminders", help="rappels de fraîcheur, résumés du jour et synthèse du lundi "
                                                "(une fois par jour, depuis cron)")
    rem.add_argument("--dry-run", action="store_true", help="affiche ce qui partirait, sans rien écrire ni envoyer")
    rem.set_defaults(run=_send_reminders)
