"""`python -m geo` commands for GUP problem reports: the coordination's list and status moves, partner applications'
Open311 keys, and the GUP committee's export per quartier and period."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _keys() -> Any:
    from geo import services

    return services.api_keys()


def _add_key(args: argparse.Namespace) -> int:
    key = _keys().create(args.name, by=args.by)
    print(key)
    print(f"Clé de « {args.name} » : donnez-la à l'application (champ api_key d'Open311). Elle n'est montrée "
          "qu'une fois : seule son empreinte est gardée.", file=sys.stderr)
    return 0


def _revoke_key(args: argparse.Namespace) -> int:
    done = _keys().revoke(args.name)
    print(f"Clé de « {args.name} » retirée." if done else f"Aucune clé active pour « {args.name} ».", file=sys.stderr)
    return 0


def _list_keys(args: argparse.Namespace) -> int:
    from geo.db.store import moment_text

    for key in _keys().listed():
        state = f"retirée ({moment_text(key.revoked_at)})" if key.revoked_at else "active"
        print(f"{key.name} : {state}, créée par {key.created_by} ({moment_text(key.created_at)})")
    return 0


def _desk() -> Any:
    from geo import services

    return services.problems()


def problem_record(item: Any) -> dict[str, Any]:
    """A report as the command line gives it: never its reporter's address; the description as the public reads
    it (a phone number or an address typed into it stays masked)."""
    point = item.public_point
    return {"id": item.id, "categorie": item.category, "libelle": item.label, "quartier": item.quartier,
            "quartier_nom": item.quartier_name, "statut": item.status.value, "partenaires": list(item.partners),
            "habitants": item.supporters, "masque": item.hidden, "photo": item.photo.value,
            "description": item.public_description, "longitude": point[0] if point else None,
            "latitude": point[1] if point else None, "recu_le": item.created_at.isoformat(timespec="seconds"),
            "mis_a_jour_le": item.updated_at.isoformat(timespec="seconds"),
            "clos_le": item.closed_at.isoformat(timespec="seconds") if item.closed_at else None}


def _list(args: argparse.Namespace) -> int:
    import json

    from geo.problems.rules import Status

    register = _desk()
    items = register.listed(frozenset(Status(s) for s in args.statut) if args.statut else None)
    if args.json:
        print(json.dumps([problem_record(p) for p in items], ensure_ascii=False, indent=1))
        return 0
    for p in items:
        hidden = " (masqué)" if p.hidden else ""
        print(f"n° {p.id} [{p.status.value}] {p.label} — {p.quartier_name or 'hors quartier'} — {p.supporters} "
              f"habitant(s) — reçu le {p.created_at:%d/%m/%Y}{hidden}")
    print(f"{len(items)} signalement(s).", file=sys.stderr)
    return 0


def _move(args: argparse.Namespace) -> int:
    from geo.problems.rules import Status

    moved = _desk().advance_by_operator(args.by, args.id, Status(args.statut), note=args.note)
    print(f"Signalement n° {moved.id} : « {moved.status.words} ».", file=sys.stderr)
    return 0


def _number(text: str) -> int:
    from geo.problems.rules import problem_number

    found = problem_number(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"numéro de signalement illisible : « {text[:20]} »")
    return found


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from geo import services
    from geo.files import write_atomic
    from geo.problems.committee import committee_file

    write_atomic(Path(args.output), committee_file(services.problems(), args.quartier, args.since, args.until, args.format))
    print(f"Écrit : {args.output}", file=sys.stderr)
    return 0


def register(sub: Any, by: dict[str, Any]) -> None:
    from geo.cli.directory import day
    from geo.problems.rules import Status

    statuses = [s.value for s in Status]
    listing = sub.add_parser("problems", help="les problèmes signalés, pour la coordination (jamais l'adresse de "
                                              "la personne qui les signale)")
    listing.add_argument("--json", action="store_true", help="sortie JSON")
    listing.add_argument("--statut", nargs="+", choices=statuses, metavar="STATUT",
                         help=f"seulement ces états ({', '.join(statuses)})")
    listing.set_defaults(run=_list)
    move = sub.add_parser("problem-status", help="fait avancer un problème signalé (mêmes règles, historique et "
                                                 "courriels que /gerer)")
    move.add_argument("id", type=_number, metavar="N", help="numéro du signalement")
    move.add_argument("statut", choices=statuses, metavar="STATUT", help=f"nouvel état ({', '.join(statuses)})")
    move.add_argument("--by", **by)
    move.add_argument("--note", default="", metavar="TEXTE", help="note publique (obligatoire pour non_retenu)")
    move.set_defaults(run=_move)

    rep = sub.add_parser("problems-report", help="les problèmes signalés d'un quartier et d'une période, pour le "
                                                 "comité GUP (xlsx, ou html A4 avec les photos publiées)")
    rep.add_argument("--quartier", metavar="CODE", help="code du quartier (défaut : tous)")
    rep.add_argument("--from", dest="since", type=day, metavar="AAAA-MM-JJ", help="reçus depuis ce jour")
    rep.add_argument("--to", dest="until", type=day, metavar="AAAA-MM-JJ", help="reçus jusqu'à ce jour (inclus)")
    rep.add_argument("--format", choices=("xlsx", "html"), required=True)
    rep.add_argument("-o", "--output", required=True, metavar="FICHIER")
    rep.set_defaults(run=_report)

    add = sub.add_parser("add-api-key", help="crée la clé Open311 d'une application partenaire (limite plus haute)")
    add.add_argument("name", metavar="APPLICATION")
    add.add_argument("--by", **by)
    add.set_defaults(run=_add_key)
    rev = sub.add_parser("revoke-api-key", help="retire la clé Open311 d'une application")
    rev.add_argument("name", metavar="APPLICATION")
    rev.set_defaults(run=_revoke_key)
    keys = sub.add_parser("api-keys", help="les applications qui ont une clé Open311")
    keys.set_defaults(run=_list_keys)
