"""The directory's messages, in French: editing's events (reports, proposals, roles) and the daily round's reminders,
summaries and digest. Nothing about a resident is ever in a message: a report carries its reason, its text and its
structure, no more."""

from __future__ import annotations

from datetime import date

from geo.directory.corrections import REASONS
from geo.directory.editing import APPROVED, Proposal, Report, Role
from geo.directory.reminders import Digest, DueListing
from geo.mail.letters import Block, MessageBody, manage_page
from geo.mail.rules import Message, Reason
from geo.territory.phone import phone_display

FACT_LABELS = {"telephone": "téléphone", "adresse": "adresse", "horaires": "horaires", "courriel": "courriel",
               "quartiers": "quartiers couverts", "services": "types d'aide",
               "toute_la_commune": "ouverte à toute la commune"}


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "jamais vérifié"


def _report_line(item: Report, name: str) -> str:
    said = f" : « {item.text} »" if item.text else ""
    return f"n° {item.id}, {name} — {REASONS.get(item.reason, item.reason)}{said}"


def _due_lines(listing: DueListing) -> list[str]:
    return [f"{FACT_LABELS.get(field, field)} : vérifié jusqu'au {_day(until)}" if until
            else f"{FACT_LABELS.get(field, field)} : jamais vérifié" for field, until in listing.due]


class DirectoryMessagesInFrench:
    """The messages of editing's events and of the daily round (geo.directory.editing.DirectoryMessages,
    geo.directory.reminders.ReminderMessages)."""

    def report(self, item: Report, name: str, to: str) -> Message:
        return MessageBody(
            f"Signalement n° {item.id} : {REASONS.get(item.reason, item.reason)} — {name}",
            (f"Un habitant signale une erreur sur la fiche « {name} ».",
             [f"Motif : {REASONS.get(item.reason, item.reason)}", f"Texte : {item.text or '(aucun)'}"],
             "Rien d'autre n'est connu de la personne : ni nom, ni adresse, ni numéro. Vérifiez la fiche, corrigez-la "
             "si besoin, puis marquez le signalement « Corrigé » ou « Écarté »."),
            ("Traiter le signalement", manage_page(signalement=item.id)),
            "Vous recevez ce courriel parce que vous gérez cette fiche ou coordonnez l'annuaire.",
        ).to(to, Reason.REPORT, structure=item.structure, topic=f"signalement:{item.id}")

    def reports_of_the_day(self, items: list[tuple[Report, str]], day: date, to: str) -> Message:
        return MessageBody(
            f"Signalements du {day:%d/%m/%Y} : {len(items)}",
            (f"Les signalements des habitants reçus depuis votre dernier résumé ({len(items)}) :",
             [_report_line(item, name) + ("" if item.status == "ouvert" else " (déjà traité)") for item, name in items]),
            ("Voir les signalements", manage_page()),
            "Vous recevez ce résumé quotidien parce que vous l'avez choisi à la place d'un courriel par signalement.",
        ).to(to, Reason.REPORTS_OF_THE_DAY)

    def proposal(self, item: Proposal, name: str, to: str) -> Message:
        return MessageBody(
            f"Proposition n° {item.id} à examiner : {FACT_LABELS.get(item.field, item.field)} — {name}",
            (f"{item.author} propose de changer « {FACT_LABELS.get(item.field, item.field)} » de la fiche « {name} ».",
             [f"Avant : {item.before or '(vide)'}", f"Après : {item.after or '(vide)'}", f"Source : {item.source}"],
             "La couverture ne change qu'une fois la proposition approuvée."),
            ("Examiner la proposition", manage_page(proposition=item.id)),
            "Vous recevez ce courriel parce que vous coordonnez l'annuaire.",
        ).to(to, Reason.PROPOSAL, structure=item.structure, topic=f"proposition:{item.id}")

    def decision(self, item: Proposal, name: str, to: str) -> Message:
        verdict = "approuvée" if item.status == APPROVED else "rejetée"
        return MessageBody(
            f"Votre proposition n° {item.id} est {verdict} — {name}",
            (f"Votre proposition de changer « {FACT_LABELS.get(item.field, item.field)} » de la fiche « {name} » "
             f"est {verdict} par {item.decided_by}.",
             [f"Proposé : {item.after or '(vide)'}", f"Note : {item.note or '(aucune)'}"]),
            ("Voir la fiche", manage_page(fiche=item.structure)),
            "Vous recevez ce courriel parce que vous avez fait cette proposition.",
        ).to(to, Reason.DECISION, structure=item.structure, topic=f"proposition:{item.id}")

    def invitation(self, role: Role, name: str | None, to: str) -> Message:
        scope = f"des structures de la zone {role.zone}" if role.zone else "de tout l'annuaire"
        rights = ([f"modifier le téléphone, l'adresse, les horaires, le courriel et la description de « {name} »",
                   "publier une fermeture exceptionnelle ou des horaires modifiés",
                   "confirmer que la fiche est « toujours exacte »",
                   "proposer un changement de couverture (la coordination l'approuve)",
                   "traiter les signalements des habitants sur cette fiche"] if name is not None else
                  [f"modifier les fiches {scope}", f"approuver ou rejeter les propositions de couverture {scope}",
                   f"traiter les signalements {scope}", f"ajouter ou retirer des éditeurs {scope}"])
        what = f"la fiche « {name} »" if name else f"l'annuaire de la zone {role.zone}" if role.zone else "l'annuaire"
        return MessageBody(
            f"Vous pouvez maintenant gérer {what} — Carte de la médiation",
            (f"{role.added_by} vous a donné un rôle dans l'annuaire de la médiation de Carcassonne : "
             + (f"éditeur de la fiche « {name} »." if name else f"coordination de la zone {role.zone}." if role.zone
                else "coordination (tous les droits)."),
             f"Pour vous connecter : ouvrez le lien ci-dessous, cliquez « Se connecter » et utilisez le compte de "
             f"l'adresse {to} (ProConnect ou le fournisseur de l'Agglo).",
             "Vous pourrez :", rights),
            ("Se connecter à la page Gérer", manage_page()),
            "Vous recevez ce courriel parce qu'un rôle vient de vous être donné.",
        ).to(to, Reason.INVITATION, structure=role.structure,
             topic=f"role:{role.structure or (f'zone {role.zone}' if role.zone else 'admin')}")

    def reminder(self, listing: DueListing, number: int, started: date, to: str) -> Message:
        later = "" if number == 1 else f" (rappel n° {number - 1})"
        return MessageBody(
            f"La fiche « {listing.name} » est à vérifier{later}",
            (f"Les habitants comptent sur la fiche « {listing.name} » pour vous joindre. Ces informations sont à "
             "vérifier, ou le seront dans les 14 jours :",
             _due_lines(listing),
             "Si tout est exact, un clic sur « ✅ Toujours exact » suffit ; sinon corrigez la fiche. L'un ou l'autre "
             "arrête ces rappels."),
            ("Vérifier la fiche", manage_page(fiche=listing.structure)),
            "Vous recevez ce rappel parce que vous gérez cette fiche (au plus 4 rappels : tout de suite, puis après 2, "
            "4 et 6 semaines).",
        ).to(to, Reason.REMINDER, structure=listing.structure, topic=f"fiche:{listing.structure}",
             key=f"rappel:{listing.structure}:{started.isoformat()}:{number}:{to}")

    def unanswered(self, listing: DueListing, started: date, editors: list[str], to: str) -> Message:
        who = ("Ses éditeurs ont reçu 4 rappels : " + ", ".join(editors) + "." if editors else
               "Cette fiche n'a aucun éditeur : personne n'a reçu les rappels.")
        return MessageBody(
            f"Sans réponse depuis le {started:%d/%m/%Y} : « {listing.name} »",
            (f"La fiche « {listing.name} » a des informations à vérifier depuis le {started:%d/%m/%Y} et personne n'a "
             "répondu.", who, _due_lines(listing),
             f"Vous pouvez appeler la structure au {phone_display(listing.telephone)}, puis confirmer ou corriger la "
             "fiche."),
            ("Ouvrir la fiche", manage_page(fiche=listing.structure)),
            "Vous recevez ce courriel parce que vous coordonnez l'annuaire (il ne peut pas être désactivé).",
        ).to(to, Reason.UNANSWERED, structure=listing.structure, topic=f"fiche:{listing.structure}",
             key=f"sans-reponse:{listing.structure}:{started.isoformat()}:{to}")

    def digest(self, digest: Digest, to: str) -> Message:
        year, week, _ = digest.day.isocalendar()

        def section(title: str, lines: list[str], *, none: str = "aucune", count: int | None = None) -> tuple[Block, ...]:
            return (f"{title} : {len(lines) if count is None else count}", lines) if lines else (f"{title} : {none}.",)

        return MessageBody(
            f"Synthèse de la semaine {week} : l'annuaire de la médiation",
            (f"Ce qui attend au {digest.day:%d/%m/%Y} :",
             *section("Signalements ouverts", [f"{name} : {n}" for name, n in digest.open_reports], none="aucun",
                      count=sum(n for _, n in digest.open_reports)),
             *section("Propositions en attente", [f"n° {p.id}, {name} : {FACT_LABELS.get(p.field, p.field)} par "
                                                  f"{p.author}" for name, p in digest.proposals]),
             *section("Fiches à vérifier", [f"{d.name} ({len(d.due)} information(s))" for d in digest.stale]),
             *section("Annonces qui finissent cette semaine",
                      [f"{name} : {n.kind.value} jusqu'au {n.ends:%d/%m/%Y}" for name, n in digest.notices_ending]),
             *section("Structures sans éditeur", list(digest.without_editor))),
            ("Ouvrir la page Gérer", manage_page()),
            "Vous recevez cette synthèse chaque lundi parce que vous coordonnez l'annuaire.",
        ).to(to, Reason.DIGEST, key=f"synthese:{year}-W{week:02d}:{to}")
