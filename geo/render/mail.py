"""The directory's e-mail, in French: plain text with an HTML alternative, each message linking to the exact /gerer
page that handles it and ending with the link to the reader's own e-mail settings.

Who receives what is decided in the core (geo.io.editing, geo.io.reminders); this module only writes. Nothing
about a resident is ever in a message: a report carries its reason, its text and its structure, no more.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from geo import config
from geo.domain.mail import Message, Reason
from geo.domain.phone import phone_display
from geo.domain.problems import KEEP_ADDRESS, STALE_TRANSMITTED, STATUS_WORDS, TRIAGE
from geo.domain.reports import REASONS
from geo.io.editing import APPROVED, Proposal, Report, Role
from geo.io.problems import Event, Problem
from geo.io.reminders import Digest, DueListing
from geo.render.links import manage_link, problem_link

SIGNATURE = "Carte de la médiation — GUP Carcassonne"
FACT_LABELS = {"telephone": "téléphone", "adresse": "adresse", "horaires": "horaires", "courriel": "courriel",
               "quartiers": "quartiers couverts", "services": "types d'aide",
               "toute_la_commune": "ouverte à toute la commune"}
Block = str | Sequence[str]
"""A paragraph, or a list shown as bullets."""


@dataclass(frozen=True)
class Letter:
    """A message before it is addressed: its words, its one action link, and why the reader receives it."""

    subject: str
    blocks: tuple[Block, ...]
    action: tuple[str, str]
    """The button's words and the /gerer address it opens."""
    why: str

    def to(self, recipient: str, reason: Reason, *, structure: str | None = None, topic: str = "",
           key: str | None = None) -> Message:
        return Message(recipient, self.subject, self._text(), self._html(), reason, structure, topic, key)

    def _text(self) -> str:
        parts = ["\n".join(f"- {line}" for line in b) if not isinstance(b, str) else b for b in self.blocks]
        label, url = self.action
        return "\n\n".join([*parts, f"{label} : {url}", _footer_text(self.why)]) + "\n"

    def _html(self) -> str:
        parts = [f"<p>{html.escape(b)}</p>" if isinstance(b, str)
                 else "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in b) + "</ul>" for b in self.blocks]
        label, url = self.action
        settings = manage_link(config.public_url(), reglages="courriels")
        return ("<!doctype html><html lang=\"fr\"><body style=\"font-family:sans-serif;line-height:1.5\">"
                + "".join(parts)
                + f"<p><a href=\"{html.escape(url)}\" style=\"font-weight:bold\">{html.escape(label)}</a></p>"
                + f"<hr><p style=\"color:#555;font-size:90%\">{html.escape(self.why)}<br>"
                + f"<a href=\"{html.escape(settings)}\">Choisir les courriels que je reçois</a><br>"
                + f"{html.escape(SIGNATURE)} — message automatique, ne répondez pas à ce courriel.</p></body></html>")


def _footer_text(why: str) -> str:
    settings = manage_link(config.public_url(), reglages="courriels")
    return (f"--\n{why}\nChoisir les courriels que je reçois : {settings}\n"
            f"{SIGNATURE} — message automatique, ne répondez pas à ce courriel.")


def _link(**params: str | int) -> str:
    return manage_link(config.public_url(), **params)


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "jamais vérifié"


def _report_line(item: Report, name: str) -> str:
    said = f" : « {item.text} »" if item.text else ""
    return f"n° {item.id}, {name} — {REASONS.get(item.reason, item.reason)}{said}"


def _due_lines(listing: DueListing) -> list[str]:
    return [f"{FACT_LABELS.get(field, field)} : vérifié jusqu'au {_day(until)}" if until
            else f"{FACT_LABELS.get(field, field)} : jamais vérifié" for field, until in listing.due]


class FrenchLetters:
    """The messages of editing's events and of the daily round (geo.io.editing.Letters,
    geo.io.reminders.ScheduleLetters)."""

    def report(self, item: Report, name: str, to: str) -> Message:
        return Letter(
            f"Signalement n° {item.id} : {REASONS.get(item.reason, item.reason)} — {name}",
            (f"Un habitant signale une erreur sur la fiche « {name} ».",
             [f"Motif : {REASONS.get(item.reason, item.reason)}", f"Texte : {item.text or '(aucun)'}"],
             "Rien d'autre n'est connu de la personne : ni nom, ni adresse, ni numéro. Vérifiez la fiche, corrigez-la "
             "si besoin, puis marquez le signalement « Corrigé » ou « Écarté »."),
            ("Traiter le signalement", _link(signalement=item.id)),
            "Vous recevez ce courriel parce que vous gérez cette fiche ou coordonnez l'annuaire.",
        ).to(to, Reason.REPORT, structure=item.structure, topic=f"signalement:{item.id}")

    def reports_of_the_day(self, items: list[tuple[Report, str]], day: date, to: str) -> Message:
        return Letter(
            f"Signalements du {day:%d/%m/%Y} : {len(items)}",
            (f"Les signalements des habitants reçus depuis votre dernier résumé ({len(items)}) :",
             [_report_line(item, name) + ("" if item.status == "ouvert" else " (déjà traité)") for item, name in items]),
            ("Voir les signalements", _link()),
            "Vous recevez ce résumé quotidien parce que vous l'avez choisi à la place d'un courriel par signalement.",
        ).to(to, Reason.REPORTS_OF_THE_DAY)

    def proposal(self, item: Proposal, name: str, to: str) -> Message:
        return Letter(
            f"Proposition n° {item.id} à examiner : {FACT_LABELS.get(item.field, item.field)} — {name}",
            (f"{item.author} propose de changer « {FACT_LABELS.get(item.field, item.field)} » de la fiche « {name} ».",
             [f"Avant : {item.before or '(vide)'}", f"Après : {item.after or '(vide)'}", f"Source : {item.source}"],
             "La couverture ne change qu'une fois la proposition approuvée."),
            ("Examiner la proposition", _link(proposition=item.id)),
            "Vous recevez ce courriel parce que vous coordonnez l'annuaire.",
        ).to(to, Reason.PROPOSAL, structure=item.structure, topic=f"proposition:{item.id}")

    def decision(self, item: Proposal, name: str, to: str) -> Message:
        verdict = "approuvée" if item.status == APPROVED else "rejetée"
        return Letter(
            f"Votre proposition n° {item.id} est {verdict} — {name}",
            (f"Votre proposition de changer « {FACT_LABELS.get(item.field, item.field)} » de la fiche « {name} » "
             f"est {verdict} par {item.decided_by}.",
             [f"Proposé : {item.after or '(vide)'}", f"Note : {item.note or '(aucune)'}"]),
            ("Voir la fiche", _link(fiche=item.structure)),
            "Vous recevez ce courriel parce que vous avez fait cette proposition.",
        ).to(to, Reason.DECISION, structure=item.structure, topic=f"proposition:{item.id}")

    def invitation(self, role: Role, name: str | None, to: str) -> Message:
        rights = ([f"modifier le téléphone, l'adresse, les horaires, le courriel et la description de « {name} »",
                   "publier une fermeture exceptionnelle ou des horaires modifiés",
                   "confirmer que la fiche est « toujours exacte »",
                   "proposer un changement de couverture (la coordination l'approuve)",
                   "traiter les signalements des habitants sur cette fiche"] if name is not None else
                  ["modifier toutes les fiches de l'annuaire", "approuver ou rejeter les propositions de couverture",
                   "traiter tous les signalements", "ajouter ou retirer des éditeurs"])
        what = f"la fiche « {name} »" if name else "l'annuaire"
        return Letter(
            f"Vous pouvez maintenant gérer {what} — Carte de la médiation",
            (f"{role.added_by} vous a donné un rôle dans l'annuaire de la médiation de Carcassonne : "
             + (f"éditeur de la fiche « {name} »." if name else "coordination (tous les droits)."),
             f"Pour vous connecter : ouvrez le lien ci-dessous, cliquez « Se connecter » et utilisez le compte de "
             f"l'adresse {to} (ProConnect ou le fournisseur de l'Agglo).",
             "Vous pourrez :", rights),
            ("Se connecter à la page Gérer", _link()),
            "Vous recevez ce courriel parce qu'un rôle vient de vous être donné.",
        ).to(to, Reason.INVITATION, structure=role.structure, topic=f"role:{role.structure or 'admin'}")

    def reminder(self, listing: DueListing, number: int, started: date, to: str) -> Message:
        later = "" if number == 1 else f" (rappel n° {number - 1})"
        return Letter(
            f"La fiche « {listing.name} » est à vérifier{later}",
            (f"Les habitants comptent sur la fiche « {listing.name} » pour vous joindre. Ces informations sont à "
             "vérifier, ou le seront dans les 14 jours :",
             _due_lines(listing),
             "Si tout est exact, un clic sur « ✅ Toujours exact » suffit ; sinon corrigez la fiche. L'un ou l'autre "
             "arrête ces rappels."),
            ("Vérifier la fiche", _link(fiche=listing.structure)),
            "Vous recevez ce rappel parce que vous gérez cette fiche (au plus 4 rappels : tout de suite, puis après 2, "
            "4 et 6 semaines).",
        ).to(to, Reason.REMINDER, structure=listing.structure, topic=f"fiche:{listing.structure}",
             key=f"rappel:{listing.structure}:{started.isoformat()}:{number}:{to}")

    def unanswered(self, listing: DueListing, started: date, editors: list[str], to: str) -> Message:
        who = ("Ses éditeurs ont reçu 4 rappels : " + ", ".join(editors) + "." if editors else
               "Cette fiche n'a aucun éditeur : personne n'a reçu les rappels.")
        return Letter(
            f"Sans réponse depuis le {started:%d/%m/%Y} : « {listing.name} »",
            (f"La fiche « {listing.name} » a des informations à vérifier depuis le {started:%d/%m/%Y} et personne n'a "
             "répondu.", who, _due_lines(listing),
             f"Vous pouvez appeler la structure au {phone_display(listing.telephone)}, puis confirmer ou corriger la "
             "fiche."),
            ("Ouvrir la fiche", _link(fiche=listing.structure)),
            "Vous recevez ce courriel parce que vous coordonnez l'annuaire (il ne peut pas être désactivé).",
        ).to(to, Reason.UNANSWERED, structure=listing.structure, topic=f"fiche:{listing.structure}",
             key=f"sans-reponse:{listing.structure}:{started.isoformat()}:{to}")

    def digest(self, digest: Digest, to: str) -> Message:
        year, week, _ = digest.day.isocalendar()

        def section(title: str, lines: list[str], *, none: str = "aucune", count: int | None = None) -> tuple[Block, ...]:
            return (f"{title} : {len(lines) if count is None else count}", lines) if lines else (f"{title} : {none}.",)

        return Letter(
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
            ("Ouvrir la page Gérer", _link()),
            "Vous recevez cette synthèse chaque lundi parce que vous coordonnez l'annuaire.",
        ).to(to, Reason.DIGEST, key=f"synthese:{year}-W{week:02d}:{to}")


def _problem_lines(item: Problem, *, public: bool) -> list[str]:
    where = (f"point : {item.point[1]:.5f}, {item.point[0]:.5f} (latitude, longitude)" if not public or
             item.public_point else "point : non publié (parties communes)")
    return [f"Catégorie : {item.label}", f"Quartier : {item.quartier_name or 'hors quartier prioritaire'}", where,
            *([f"Adresse donnée : {item.address}"] if item.address and not public else []),
            f"Description : {(item.public_description if public else item.description) or '(aucune)'}",
            f"Habitants concernés (« moi aussi ») : {item.supporters}"]


class ProblemLettersInFrench:
    """The messages of GUP problem reports (geo.io.problems.ProblemLetters)."""

    def problem_to_partner(self, item: Problem, partner: str, to: str) -> Message:
        return Letter(
            f"Problème signalé n° {item.id} : {item.label} — {item.quartier_name or 'hors quartier prioritaire'}",
            ("Un habitant signale un problème que votre service traite, dans le cadre de la Gestion urbaine de "
             "proximité (GUP) de Carcassonne.", _problem_lines(item, public=False),
             "Rien d'autre n'est connu de la personne. Merci de dire à la coordination GUP quand il est pris en charge "
             "et quand il est résolu ; son avancement est public à l'adresse ci-dessous."),
            ("Suivre le signalement", problem_link(config.public_url(), item.id)),
            f"Vous recevez ce courriel comme adresse de signalement de « {partner} », enregistrée par la coordination.",
        ).to(to, Reason.PROBLEM, topic=f"probleme:{item.id}")

    def problem_to_coordination(self, item: Problem, unreachable: list[str], to: str) -> Message:
        missing = (["À transmettre par un autre moyen (pas d'adresse enregistrée, ou bailleur à identifier) : "
                    + ", ".join("tri par la coordination" if p == TRIAGE else p for p in unreachable)]
                   if unreachable else ["Transmis à chaque partenaire par courriel."])
        return Letter(
            f"Problème signalé n° {item.id} : {item.label} — {item.quartier_name or 'hors quartier prioritaire'}",
            ("Un nouveau problème est signalé :", _problem_lines(item, public=False), missing),
            ("Suivre le signalement", problem_link(config.public_url(), item.id)),
            "Vous recevez ce courriel parce que la coordination GUP voit chaque signalement.",
        ).to(to, Reason.PROBLEM, topic=f"probleme:{item.id}")

    def problem_to_reporter(self, item: Problem, event: Event, to: str) -> Message:
        return Letter(
            f"Votre signalement n° {item.id} : {STATUS_WORDS[event.status]}",
            (f"Votre signalement n° {item.id} ({item.label}) est maintenant « {STATUS_WORDS[event.status]} ».",
             *([f"Note : {event.note}"] if event.note else []),
             f"Votre adresse ne sert qu'à vous dire la suite ; elle est effacée {KEEP_ADDRESS.days} jours après la "
             "clôture."),
            ("Voir le signalement", problem_link(config.public_url(), item.id)),
            "Vous recevez ce courriel parce que vous avez laissé votre adresse en signalant ce problème.",
        ).to(to, Reason.PROBLEM, topic=f"probleme:{item.id}")

    def problem_without_news(self, item: Problem, to: str) -> Message:
        return Letter(
            f"Sans nouvelles depuis {STALE_TRANSMITTED.days} jours : problème n° {item.id} ({item.label})",
            (f"Le problème n° {item.id} est « transmis » depuis le {item.updated_at:%d/%m/%Y} sans nouvelles.",
             _problem_lines(item, public=False), f"Transmis à : {', '.join(item.partners)}"),
            ("Suivre le signalement", problem_link(config.public_url(), item.id)),
            "Vous recevez ce courriel parce que vous coordonnez la GUP (il ne peut pas être désactivé).",
        ).to(to, Reason.PROBLEM, topic=f"probleme:{item.id}", key=f"sans-nouvelles:{item.id}:{to}")


class AllLetters(FrenchLetters, ProblemLettersInFrench):
    """Every message the service writes."""


LETTERS = AllLetters()
