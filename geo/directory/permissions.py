"""Who may do what in the directory: decided here, from the roles stored in the database, never by a page.

An *admin* (the GUP coordinator) edits everything, approves proposals, handles reports and names editors. A
*zone coordinator* does the same for the listings of their zones (communes, EPCI, départements): a coordinator of
Narbonne never touches Carcassonne's. A *structure editor* edits their own structures' contact facts, confirms them
and posts notices; a change to what a structure covers (quartiers, kinds of help, the whole commune) is only a
proposal, which an admin or the zone's coordinator approves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from geo.errors import GupError
from geo.territory.fields import CONTACT_FIELDS, COVERAGE_FIELDS


class Action(StrEnum):
    EDIT_CONTACT = "modifier un fait de contact"
    PROPOSE_COVERAGE = "proposer un changement de couverture"
    EDIT_ANY = "modifier tout fait"
    CONFIRM = "confirmer un fait"
    POST_NOTICE = "publier une annonce"
    APPROVE = "approuver une proposition"
    HANDLE_REPORT = "traiter un signalement"
    MANAGE_EDITORS = "gérer les éditeurs"
    READ_OUTBOX = "voir la boîte d'envoi des courriels"
    HANDLE_PROBLEM = "suivre un signalement de problème GUP"


class Write(StrEnum):
    """How a field's change by a given editor lands."""

    DIRECT = "direct"
    PROPOSAL = "proposition"


class AccessDenied(GupError):
    """The signed-in person may not do this; the message says what and whom to ask."""


@dataclass(frozen=True)
class Editor:
    email: str
    admin: bool
    structures: frozenset[str]
    zones: frozenset[str] = frozenset()
    """The zones they coordinate, as written (« 11262 », « 11 »)."""
    coordinated: frozenset[str] = frozenset()
    """The structures serving a place of those zones, now: theirs to run as an admin runs every one."""

    @property
    def has_role(self) -> bool:
        return self.admin or bool(self.structures) or bool(self.zones)


#: Actions a structure editor may take on their own structure; an admin may take every action anywhere.
_STRUCTURE_ACTIONS = {Action.EDIT_CONTACT, Action.PROPOSE_COVERAGE, Action.CONFIRM, Action.POST_NOTICE,
                      Action.HANDLE_REPORT}


def allowed(editor: Editor | None, action: Action, structure_id: str | None = None) -> bool:
    if editor is None:
        return False
    if editor.admin:
        return True
    if structure_id is not None and structure_id in editor.coordinated:
        return action is not Action.READ_OUTBOX  # the outbox holds every zone's mail: the admins' only
    return action in _STRUCTURE_ACTIONS and structure_id is not None and structure_id in editor.structures


def check_role(editor: Editor | None) -> Editor:
    """The editor, when they have any role (what every person with a role may do for themselves, such as choosing
    which e-mail they receive)."""
    if editor is None or not editor.has_role:
        raise AccessDenied("Accès non attribué : demandez à la coordination GUP de vous ajouter comme éditeur.")
    return editor


def check(editor: Editor | None, action: Action, structure_id: str | None = None) -> Editor:
    """The editor, when they may; else AccessDenied in French."""
    editor = check_role(editor)
    if not allowed(editor, action, structure_id):
        target = f" pour « {structure_id} »" if structure_id else ""
        raise AccessDenied(f"Accès refusé : {editor.email} ne peut pas {action.value}{target}.")
    return editor


def field_write(editor: Editor | None, field: str, structure_id: str) -> Write:
    """Direct, or a proposal awaiting an admin; AccessDenied when the editor may do neither."""
    if editor is not None and (editor.admin or structure_id in editor.coordinated):
        return Write.DIRECT
    if field in CONTACT_FIELDS:
        check(editor, Action.EDIT_CONTACT, structure_id)
        return Write.DIRECT
    if field in COVERAGE_FIELDS:
        check(editor, Action.PROPOSE_COVERAGE, structure_id)
        return Write.PROPOSAL
    check(editor, Action.EDIT_ANY, structure_id)
    return Write.DIRECT


@dataclass(frozen=True)
class SignedIn:
    """A signed-in person as the identity provider names them: the token's issuer and subject, which no other
    account can share, and the e-mail only when it is known to be verified."""

    issuer: str
    subject: str
    email: str | None


def signed_in(claims: Mapping[str, object], *, provider_verifies_email: bool) -> SignedIn | None:
    """The person of an ID token's claims (None without issuer or subject). The e-mail counts only with
    `email_verified: true`, or, when the claim is absent, from a provider declared to verify every e-mail it
    sends (GUP_OIDC_EMAIL_VERIFIED=1: ProConnect); an explicit `false` is refused whatever the provider."""
    issuer, subject, email = claims.get("iss"), claims.get("sub"), claims.get("email")
    if not isinstance(issuer, str) or not isinstance(subject, str) or not issuer or not subject:
        return None
    verified = claims.get("email_verified")
    trusted = verified is True or (verified is None and provider_verifies_email)
    usable = isinstance(email, str) and "@" in email and trusted
    return SignedIn(issuer, subject, email.strip().lower() if usable and isinstance(email, str) else None)


#: The shortest cookie secret that enables sign-in: 32 characters (Streamlit signs the session cookie with it).
MIN_COOKIE_SECRET = 32
#: Secrets that documentation shows (this README's former example, Streamlit's): whoever read them could sign a
#: cookie, so they never enable sign-in, whatever their length.
PLACEHOLDER_SECRETS = frozenset({"une longue chaîne aléatoire", "xxx", "changeme", "secret", "cookie_secret",
                                 "your-secret", "…", "..."})
SECRET_COMMAND = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def sign_in_refusal(auth: Mapping[str, object]) -> str | None:
    """Why the [auth] settings must not enable sign-in, in French with the fix, or None when they may."""
    secret = auth.get("cookie_secret")
    fix = (f"Créez-en un avec « {SECRET_COMMAND} », écrivez-le dans .streamlit/secrets.toml (cookie_secret, section "
           "[auth]) puis redémarrez le serveur.")
    if not isinstance(secret, str) or not secret.strip():
        return f"Connexion désactivée : cookie_secret manque dans la section [auth]. {fix}"
    if secret.strip().lower() in PLACEHOLDER_SECRETS:
        return ("Connexion désactivée : cookie_secret est un exemple publié, que n'importe qui peut utiliser pour "
                f"se faire passer pour un éditeur. {fix}")
    if len(secret) < MIN_COOKIE_SECRET:
        return (f"Connexion désactivée : cookie_secret est trop court ({len(secret)} caractères, "
                f"{MIN_COOKIE_SECRET} au moins). {fix}")
    return None
