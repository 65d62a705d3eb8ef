"""`python -m geo` commands that keep the directory true: import and export, facts, checks, notices, history.

Every write names its author (--by) and lands in the history; the JSON field names are a contract.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the store and the data load lazily, when a command needs them
    from geo.directory.editing import Editing
    from geo.directory.listings import Directory


def _directory(*, warn: bool = True) -> Directory:
    """The configured directory; it says first, on the error output, when structures.csv was edited in vain."""
    from geo import services

    found = services.directory()
    if warn and (drift := found.file_drift()):
        print(f"Attention : {drift}", file=sys.stderr)
    return found


def _editing() -> Editing:
    """The configured directory's signed-in writes (saying first when structures.csv was edited in vain)."""
    from geo import services

    _directory()
    return services.editing()


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date illisible : « {text} » (attendu par exemple : 2026-12-24)") from None


def _print_json(items: object) -> None:
    print(json.dumps(items, ensure_ascii=False, indent=2))


def _import(args: argparse.Namespace) -> int:
    changes = _directory(warn=False).import_file(Path(args.file), by=args.by, dry_run=args.dry_run)
    for change in changes:
        print(change)
    verb = "seraient appliqués (rien n'est écrit : --dry-run)" if args.dry_run else "appliqués"
    print(f"{len(changes)} changement(s) {verb}." if changes else "Aucun changement : l'annuaire est déjà à jour.",
          file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    count = _directory(warn=False).export_file(Path(args.output))
    print(f"Écrit : {args.output} ({count} structures)", file=sys.stderr)
    return 0


def _history(args: argparse.Namespace) -> int:
    from geo.territory.hours import local
    from geo.territory.text import visible

    entries = _directory().store.history(args.structure)
    if args.json:
        _print_json([e.as_json() for e in entries])
        return 0
    for e in entries:
        change = f"« {e.before or ''} » → « {e.after or ''} »" if e.before is not None else f"« {e.after} »"
        source = f" — source : {e.source}" if e.source else ""
        print(visible(f"{local(e.at):%Y-%m-%d %H:%M} {e.structure} {e.field} : {change} par {e.author} ({e.reason})"
                      f"{source}"))
    return 0


def _set_fact(args: argparse.Namespace) -> int:
    changes = _directory().store.set_fact(args.id, args.field, args.value, source=args.source, by=args.by,
                                          expected_version=args.version)
    print("\n".join(str(c) for c in changes) if changes else f"{args.id}, {args.field} : inchangé, vérifié aujourd'hui.")
    return 0


def _confirm(args: argparse.Namespace) -> int:
    fields = _directory().store.confirm(args.id, tuple(args.fields), by=args.by)
    print(f"{args.id} : vérifié aujourd'hui ({', '.join(fields)}).")
    return 0


def _reminders(args: argparse.Namespace) -> int:
    from geo.territory.fields import CHECKED_FACTS
    from geo.territory.freshness import freshness
    from geo.territory.hours import today
    from geo.territory.phone import phone_display

    due = [(s, state) for s in _directory().dataset().structures if (state := freshness(s, today())).to_check]
    if args.json:
        _print_json([{"structure": s.id, "nom": s.nom, "telephone": phone_display(s.telephone),
                      "frequence_mois": s.update_months,
                      "a_verifier": [{"champ": f, "verifie_le": _iso(s.checked.get(f))} for f in state.due]}
                     for s, state in due])
        return 0
    for s, state in due:
        never = state.due == CHECKED_FACTS and not any(s.checked.get(f) for f in CHECKED_FACTS)
        facts = "fiche jamais vérifiée" if never else ", ".join(
            f"{f} (vérifié le {day})" if (day := _iso(s.checked.get(f))) else f"{f} (jamais vérifié)" for f in state.due)
        print(f"{s.nom} — appeler le {phone_display(s.telephone)} : {facts}")
    print(f"{len(due)} structure(s) à vérifier." if due else "Tout est à jour.", file=sys.stderr)
    return 0


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _add_notice(args: argparse.Namespace) -> int:
    notice = _directory().store.add_notice(args.id, args.type, args.starts, args.ends, message=args.message,
                                           hours=args.hours, by=args.by)
    print(f"Annonce n° {notice.id} publiée pour {notice.structure} : {notice.kind.value} du {notice.starts} au "
          f"{notice.ends}.")
    return 0


def _notices(args: argparse.Namespace) -> int:
    from geo.territory.hours import now
    from geo.territory.text import visible

    moment = now()
    items = [n for n in _directory().store.snapshot().notices
             if (args.structure is None or n.structure == args.structure)
             and (args.all or n.in_force(moment) or n.starts > moment.date())]
    if args.json:
        _print_json([n.as_json(moment) for n in items])
        return 0
    for n in items:
        state = "en cours" if n.in_force(moment) else "à venir" if n.starts > moment.date() else "terminée"
        text = " ; ".join(part for part in (n.hours, n.message) if part)
        print(visible(f"n° {n.id} {n.structure} {n.kind.value} du {n.starts} au {n.ends} ({state}) : {text}"))
    if not items:
        print("Aucune annonce en cours ou à venir.", file=sys.stderr)
    return 0


def _end_notice(args: argparse.Namespace) -> int:
    notice = _directory().store.end_notice(args.notice, by=args.by)
    print(f"Annonce n° {notice.id} terminée.")
    return 0


def _add_editor(args: argparse.Namespace) -> int:
    from geo import services
    from geo.cli.mail import deliver_now

    role = _editing().add_role(args.email, structure=None if args.admin or args.zone else args.structure, by=args.by,
                               zone=args.zone)
    print(f"Rôle ajouté : {role}.")
    deliver_now(services.outbox())  # the invitation
    return 0


def _remove_editor(args: argparse.Namespace) -> int:
    structure = "*" if args.all else None if args.admin or args.zone else args.structure
    removed = _editing().remove_role(args.email, structure=structure, by=args.by, zone=args.zone)
    print(f"{removed} rôle(s) retiré(s) pour {args.email}." if removed else f"Aucun rôle de ce type pour {args.email}.")
    return 0


def _editors(args: argparse.Namespace) -> int:
    roles = _editing().roles()
    if args.json:
        _print_json([{"courriel": r.email, "role": _role_kind(r), "structure": r.structure, "ajoute_par": r.added_by,
                      "zone": r.zone} for r in roles])
        return 0
    for role in roles:
        print(role)
    if not roles:
        print("Aucun éditeur : ajoutez la coordination avec « python -m geo add-editor COURRIEL --admin --by NOM ».",
              file=sys.stderr)
    return 0


def _role_kind(role: Any) -> str:
    return "structure" if role.structure is not None else "coordination" if role.zone else "admin"


def _backup(args: argparse.Namespace) -> int:
    from geo.hosting.backup import write_backup

    backup = write_backup(_directory(warn=False).store.engine, Path(args.output))
    print(f"Sauvegarde écrite : {args.output} ({backup.summary()})", file=sys.stderr)
    return 0


def _restore(args: argparse.Namespace) -> int:
    """Into the configured database without opening it as the service does (that would seed an empty one)."""
    from geo import config
    from geo.db.store import engine_for
    from geo.hosting.backup import restore_file

    engine = engine_for(config.database_url())
    backup, kept = restore_file(engine, Path(args.file), replace=args.replace,
                                keep_in=config.data_dir() / "sauvegardes")
    if kept is not None:
        print(f"Ce que la base contenait est sauvegardé dans {kept}", file=sys.stderr)
    print(f"Annuaire restauré depuis {args.file} ({backup.summary()}) dans "
          f"{engine.url.render_as_string(hide_password=True)}", file=sys.stderr)
    return 0


def _author(text: str) -> str:
    from geo.territory.text import NAME_MAX, control_problem

    if not text.strip():
        raise argparse.ArgumentTypeError("nom vide : dites qui fait la modification")
    if why := control_problem(text):
        raise argparse.ArgumentTypeError(f"nom : {why}")
    if len(text.strip()) > NAME_MAX:
        raise argparse.ArgumentTypeError(f"nom : {NAME_MAX} caractères au plus ({len(text.strip())} reçus)")
    return text.strip()


def by_option() -> dict[str, Any]:
    """The --by option of every command that writes: who does it, as the history names them."""
    return {"required": True, "type": _author, "metavar": "NOM", "help": "qui fait la modification (dans l'historique)"}


def register(sub: Any) -> None:
    """Adds the directory's commands to the main parser's subcommands."""
    by = by_option()

    imp = sub.add_parser("import-structures", help="importe un structures.csv dans l'annuaire (tout ou rien)")
    imp.add_argument("file", metavar="structures.csv")
    imp.add_argument("--dry-run", action="store_true", help="montre les changements sans rien écrire")
    imp.add_argument("--by", **by)
    imp.set_defaults(run=_import)

    exp = sub.add_parser("export-structures", help="écrit l'annuaire au format de structures.csv")
    exp.add_argument("-o", "--output", required=True, metavar="structures.csv")
    exp.set_defaults(run=_export)

    hist = sub.add_parser("history", help="l'historique des changements de l'annuaire")
    hist.add_argument("--structure", default=None, metavar="ID")
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(run=_history)

    fact = sub.add_parser("set-fact", help="change un fait d'une structure (téléphone, horaires…)")
    fact.add_argument("id", metavar="ID")
    fact.add_argument("field", metavar="CHAMP", help="colonne de structures.csv, ou frequence_mois")
    fact.add_argument("value", metavar="VALEUR")
    fact.add_argument("--source", required=True, metavar="TEXTE", help="d'où vient l'information (« appel du 2 décembre »)")
    fact.add_argument("--by", **by)
    fact.add_argument("--version", type=int, default=None, metavar="N",
                      help="version de la fiche lue : refusé si elle a changé entre-temps")
    fact.set_defaults(run=_set_fact)

    conf = sub.add_parser("confirm", help="marque des faits vérifiés aujourd'hui, sans les changer")
    conf.add_argument("id", metavar="ID")
    conf.add_argument("fields", nargs="*", metavar="CHAMP", help="défaut : tous les faits suivis")
    conf.add_argument("--by", **by)
    conf.set_defaults(run=_confirm)

    rem = sub.add_parser("reminders", help="les structures et faits à vérifier, avec leur téléphone")
    rem.add_argument("--json", action="store_true")
    rem.set_defaults(run=_reminders)

    add = sub.add_parser("add-notice", help="publie une annonce temporaire (fermeture, horaires, message)")
    add.add_argument("id", metavar="ID")
    add.add_argument("--type", required=True, choices=("fermeture", "horaires", "message"))
    add.add_argument("--from", dest="starts", required=True, type=day, metavar="AAAA-MM-JJ", help="premier jour")
    add.add_argument("--to", dest="ends", required=True, type=day, metavar="AAAA-MM-JJ", help="dernier jour (inclus)")
    add.add_argument("--hours", default="", metavar="OPENING_HOURS", help="horaires de la période (type horaires)")
    add.add_argument("--message", default="", metavar="TEXTE", help="texte montré aux habitants")
    add.add_argument("--by", **by)
    add.set_defaults(run=_add_notice)

    lst = sub.add_parser("notices", help="les annonces en cours et à venir")
    lst.add_argument("--structure", default=None, metavar="ID")
    lst.add_argument("--all", action="store_true", help="aussi les annonces terminées")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(run=_notices)

    end = sub.add_parser("end-notice", help="termine une annonce avant sa date de fin")
    end.add_argument("notice", type=int, metavar="N", help="numéro de l'annonce (python -m geo notices)")
    end.add_argument("--by", **by)
    end.set_defaults(run=_end_notice)

    add_ed = sub.add_parser("add-editor", help="donne un rôle à une personne (son courriel vérifié à la connexion)")
    add_ed.add_argument("email", metavar="COURRIEL")
    role = add_ed.add_mutually_exclusive_group(required=True)
    role.add_argument("--admin", action="store_true", help="coordination : tout modifier, approuver, traiter")
    role.add_argument("--structure", metavar="ID", help="éditeur de cette structure")
    role.add_argument("--zone", metavar="CODES", help="coordination d'une zone (codes du COG : 11262, 11, 200035715…) : "
                                                      "les fiches, propositions et signalements de ses communes")
    add_ed.add_argument("--by", **by)
    add_ed.set_defaults(run=_add_editor)

    rm_ed = sub.add_parser("remove-editor", help="retire un rôle")
    rm_ed.add_argument("email", metavar="COURRIEL")
    which = rm_ed.add_mutually_exclusive_group(required=True)
    which.add_argument("--admin", action="store_true", help="le rôle admin")
    which.add_argument("--structure", metavar="ID", help="le rôle d'éditeur de cette structure")
    which.add_argument("--zone", metavar="CODES", help="le rôle de coordination de cette zone")
    which.add_argument("--all", action="store_true", help="tous ses rôles")
    rm_ed.add_argument("--by", **by)
    rm_ed.set_defaults(run=_remove_editor)

    back = sub.add_parser("backup", help="sauvegarde tout l'annuaire dans un fichier (service en marche)")
    back.add_argument("-o", "--output", required=True, metavar="sauvegarde.json")
    back.set_defaults(run=_backup)

    rest = sub.add_parser("restore", help="restaure une sauvegarde dans une base vide (ou --replace)")
    rest.add_argument("file", metavar="sauvegarde.json")
    rest.add_argument("--replace", action="store_true",
                      help="remplace une base non vide (ce qu'elle contient est d'abord sauvegardé)")
    rest.set_defaults(run=_restore)

    eds = sub.add_parser("editors", help="qui peut modifier quoi")
    eds.add_argument("--json", action="store_true")
    eds.set_defaults(run=_editors)

