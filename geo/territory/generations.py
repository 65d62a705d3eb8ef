"""Generations of quartiers prioritaires, as MapIt has generations of boundaries.

The 2015 list (the brochure's) and the 2024 list (décret n° 2023-1314) each give every quartier a code and a
contour. The official correspondence tells, for each 2024 quartier, its 2015 predecessors and its status:
unchanged, modified or new; a 2015 quartier no 2024 one descends from was removed. A point is answered from one
generation; the other's codes and the change between them are carried along, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from geo.i18n import N_

GENERATIONS = ("2015", "2024")
NEWEST = GENERATIONS[-1]
OLDEST = GENERATIONS[0]
#: Public field names (a contract, never renamed): what the newest list did to a quartier, each generation's code.
CHANGE_FIELD = f"statut_{NEWEST}"
CODE_FIELDS = {generation: f"quartier_code_{generation}" for generation in GENERATIONS}


class Change(StrEnum):
    """What the 2024 list did to a quartier: the correspondence's words, and SUPPRIME for a 2015 one it dropped."""

    INCHANGE = "INCHANGE"
    MODIFIE = "MODIFIE"
    NOUVEAU = "NOUVEAU"
    SUPPRIME = "SUPPRIME"


#: The change in a planner's words.
CHANGE_LABELS: dict[Change, str] = {
    Change.INCHANGE: N_("inchangé"),
    Change.MODIFIE: N_("redessiné"),
    Change.NOUVEAU: N_("nouveau"),
    Change.SUPPRIME: N_("retiré de la liste"),
}

#: What each change means for the brochure's coverage, which names 2015 quartiers (planner's "Changements 2024").
CONSEQUENCES: dict[Change, str] = {
    Change.INCHANGE: N_("même périmètre : les structures de 2015 le couvrent toujours"),
    Change.MODIFIE: N_("périmètre redessiné : les structures de 2015 le couvrent toujours, mais des rues sont "
                       "entrées ou sorties du quartier"),
    Change.NOUVEAU: N_("nouveau quartier : aucune structure de la brochure ne le couvre, à attribuer"),
    Change.SUPPRIME: N_("sorti de la liste en 2024 : sa couverture est à revoir"),
}


@dataclass(frozen=True)
class QuartierChange:
    """One line of the correspondence for the served commune."""

    statut: Change
    nom: str
    codes: dict[str, tuple[str, ...]]
    """Its codes in each generation: none for a new quartier's older one or a removed quartier's newer one, one or
    more older ones for a newer quartier that merged them."""

    def code_in(self, generation: str) -> str | None:
        """Its code in a generation, several joined by « + » (a newer quartier that merged older ones)."""
        return "+".join(self.codes.get(generation, ())) or None

    def line(self) -> str:
        """The change as build-data and the printable report say it (French, like the official labels)."""
        steps = " → ".join(f"{g} {', '.join(self.codes.get(g, ())) or 'aucun'}" for g in GENERATIONS)
        return f"{self.statut} — {self.nom} : {steps}"

    def as_json(self) -> dict[str, object]:
        return {"statut": str(self.statut), "nom": self.nom, "codes": {g: list(self.codes.get(g, ())) for g in GENERATIONS}}


def changes_from_rows(rows: list[dict[str, str]], newest: set[str], oldest: set[str],
                      oldest_names: dict[str, str]) -> tuple[QuartierChange, ...]:
    """The commune's changes from the official correspondence rows (`qp2024`, `statut`, `qp2015_1..3`).

    `newest` are the commune's 2024 quartiers (from the 2024 list), `oldest` its 2015 ones."""
    changes: list[QuartierChange] = []
    succeeded: set[str] = set()
    for row in rows:
        if row["qp2024"] not in newest:
            continue
        before = tuple(row[k] for k in ("qp2015_1", "qp2015_2", "qp2015_3") if row.get(k))
        succeeded.update(before)
        changes.append(QuartierChange(Change(row["statut"]), row["label_qp2024"], {OLDEST: before, NEWEST: (row["qp2024"],)}))
    changes += [QuartierChange(Change.SUPPRIME, oldest_names.get(code, code), {OLDEST: (code,), NEWEST: ()})
                for code in sorted(oldest - succeeded)]
    return tuple(sorted(changes, key=lambda c: (c.code_in(NEWEST) or "~", c.codes[OLDEST])))


def redrawn_notice(gettext: Callable[[str], str], nom: str, code: str, distance_m: float | None = None) -> str:
    """What a resident must know when a 2015 contour answered and the 2024 list redrew that quartier."""
    if distance_m is None:
        text = gettext("Contour de 2015 : {nom} a été redessiné en 2024 ({code}) ; vérifiez auprès d'une structure "
                       "ci-dessous ou de la coordination GUP que votre adresse en fait toujours partie.")
        return text.format(nom=nom, code=code)
    text = gettext("Contour de 2015 : {nom}, à {distance} m, a été redessiné en 2024 ({code}) ; ce lieu en fait "
                   "peut-être partie désormais : vérifiez auprès de la coordination GUP.")
    return text.format(nom=nom, code=code, distance=round(distance_m))
