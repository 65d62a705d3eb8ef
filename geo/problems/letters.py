"""The messages of GUP problem reports, in French: to the partners a problem is routed to, to the coordination,
to the reporter who left an address, and the coordination's reminder of a problem left without news."""

from __future__ import annotations

from geo import config
from geo.mail.letters import MessageBody
from geo.mail.rules import Message, Reason
from geo.problems.rules import KEEP_ADDRESS, STALE_TRANSMITTED, STATUS_WORDS, TRIAGE
from geo.problems.store import Event, Problem
from geo.render.links import problem_link


def _problem_lines(item: Problem, *, public: bool) -> list[str]:
    where = (f"point : {item.point[1]:.5f}, {item.point[0]:.5f} (latitude, longitude)" if not public or
             item.public_point else "point : non publié (parties communes)")
    return [f"Catégorie : {item.label}", f"Quartier : {item.quartier_name or 'hors quartier prioritaire'}", where,
            *([f"Adresse donnée : {item.address}"] if item.address and not public else []),
            f"Description : {(item.public_description if public else item.description) or '(aucune)'}",
            f"Habitants concernés (« moi aussi ») : {item.supporters}"]


class ProblemMessagesInFrench:
    """The messages of GUP problem reports (geo.problems.store.ProblemMessages)."""

    def problem_to_partner(self, item: Problem, partner: str, to: str) -> Message:
        return MessageBody(
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
        return MessageBody(
            f"Problème signalé n° {item.id} : {item.label} — {item.quartier_name or 'hors quartier prioritaire'}",
            ("Un nouveau problème est signalé :", _problem_lines(item, public=False), missing),
            ("Suivre le signalement", problem_link(config.public_url(), item.id)),
            "Vous recevez ce courriel parce que la coordination GUP voit chaque signalement.",
        ).to(to, Reason.PROBLEM, topic=f"probleme:{item.id}")

    def problem_to_reporter(self, item: Problem, event: Event, to: str) -> Message:
        return MessageBody(
            f"Votre signalement n° {item.id} : {STATUS_WORDS[event.status]}",
            (f"Votre signalement n° {item.id} ({item.label}) est maintenant « {STATUS_WORDS[event.status]} ».",
             *([f"Note : {event.note}"] if event.note else []),
             f"Votre adresse ne sert qu'à vous dire la suite ; elle est effacée {KEEP_ADDRESS.days} jours après la "
             "clôture."),
            ("Voir le signalement", problem_link(config.public_url(), item.id)),
            "Vous recevez ce courriel parce que vous avez laissé votre adresse en signalant ce problème.",
        ).to(to, Reason.PROBLEM, topic=f"probleme:{item.id}")

    def problem_without_news(self, item: Problem, to: str) -> Message:
        return MessageBody(
            f"Sans nouvelles depuis {STALE_TRANSMITTED.days} jours : problème n° {item.id} ({item.label})",
            (f"Le problème n° {item.id} est « transmis » depuis le {item.updated_at:%d/%m/%Y} sans nouvelles.",
             _problem_lines(item, public=False), f"Transmis à : {', '.join(item.partners)}"),
            ("Suivre le signalement", problem_link(config.public_url(), item.id)),
            "Vous recevez ce courriel parce que vous coordonnez la GUP (il ne peut pas être désactivé).",
        ).to(to, Reason.PROBLEM, topic=f"probleme:{item.id}", key=f"sans-nouvelles:{item.id}:{to}")
