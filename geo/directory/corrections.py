"""A resident's "Signaler une erreur" on a listing (a correction): a reason from a short list and an optional text,
nothing personal. Corrections go to the queue of the admins and of the structure's editors. A visitor may file a
few an hour (per session in the page, per client address at the server, one count for every face of a process).
"""

from __future__ import annotations

from geo.errors import InputError
from geo.i18n import N_, _
from geo.limits import RateLimit, Sender, admit
from geo.territory.text import without_controls

REASONS: dict[str, str] = {
    "numero_faux": N_("numéro faux"),
    "horaires_faux": N_("horaires faux"),
    "adresse_fausse": N_("adresse fausse"),
    "n_existe_plus": N_("la structure n'existe plus"),
    "autre": N_("autre"),
}
MAX_TEXT = 500
#: Reports a visitor may file per hour (per browser session, and per address at the server).
PER_HOUR = 5


def check_report(reason: str, text: str) -> str:
    """The text as kept (trimmed), or an InputError naming what is wrong."""
    if reason not in REASONS:
        raise InputError(f"Motif de signalement inconnu : « {reason} » (possibles : {', '.join(REASONS)}).")
    text = without_controls(text).strip()  # a resident's paste keeps its words, never a terminal's commands
    if len(text) > MAX_TEXT:
        raise InputError(f"Le texte du signalement dépasse {MAX_TEXT} caractères ({len(text)}).")
    return text


#: The one limit of this process on residents' reports per client address, shared by every face that files them.
REPORTS_PER_ADDRESS = RateLimit(PER_HOUR)


def admit_report(sender: Sender) -> None:
    """A listing's error report within its limit, or TooMany (in the reader's language)."""
    admit(REPORTS_PER_ADDRESS, sender,
          _("Vous avez envoyé beaucoup de signalements en peu de temps : réessayez dans une heure."))
