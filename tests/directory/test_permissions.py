"""Who may do what: role × action × structure, decided by the core."""

from __future__ import annotations

import pytest

from geo.directory.permissions import AccessDenied, Action, Editor, SignedIn, Write, allowed, check, field_write, signed_in

ADMIN = Editor("coordination@agglo.fr", admin=True, structures=frozenset())
EVS = Editor("accueil@evs.fr", admin=False, structures=frozenset({"evs-bastide"}))
NOBODY = Editor("inconnu@example.org", admin=False, structures=frozenset())

CASES = [
    # (editor, action, structure, allowed)
    *[(ADMIN, action, structure, True) for action in Action for structure in ("evs-bastide", "cs-max-savy")],
    (EVS, Action.EDIT_CONTACT, "evs-bastide", True),
    (EVS, Action.CONFIRM, "evs-bastide", True),
    (EVS, Action.POST_NOTICE, "evs-bastide", True),
    (EVS, Action.PROPOSE_COVERAGE, "evs-bastide", True),
    (EVS, Action.HANDLE_REPORT, "evs-bastide", True),
    (EVS, Action.EDIT_ANY, "evs-bastide", False),
    (EVS, Action.APPROVE, "evs-bastide", False),
    (EVS, Action.MANAGE_EDITORS, None, False),
    *[(EVS, action, "cs-max-savy", False) for action in Action],
    *[(NOBODY, action, "evs-bastide", False) for action in Action],
    *[(None, action, "evs-bastide", False) for action in Action],
]


@pytest.mark.parametrize(("editor", "action", "structure", "expected"), CASES)
def test_role_action_structure(editor: Editor | None, action: Action, structure: str | None, expected: bool) -> None:
    assert allowed(editor, action, structure) is expected
    if expected:
        assert check(editor, action, structure) == editor
    else:
        with pytest.raises(AccessDenied):
            check(editor, action, structure)


@pytest.mark.parametrize(("editor", "field", "structure", "expected"), [
    (ADMIN, "quartiers", "evs-bastide", Write.DIRECT),
    (ADMIN, "nom", "evs-bastide", Write.DIRECT),
    (EVS, "telephone", "evs-bastide", Write.DIRECT),
    (EVS, "horaires", "evs-bastide", Write.DIRECT),
    (EVS, "quartiers", "evs-bastide", Write.PROPOSAL),
    (EVS, "toute_la_commune", "evs-bastide", Write.PROPOSAL),
    (EVS, "nom", "evs-bastide", None),
    (EVS, "telephone", "cs-max-savy", None),
    (NOBODY, "telephone", "evs-bastide", None),
])
def test_how_a_field_change_lands(editor: Editor, field: str, structure: str, expected: Write | None) -> None:
    if expected is None:
        with pytest.raises(AccessDenied):
            field_write(editor, field, structure)
    else:
        assert field_write(editor, field, structure) is expected


def test_a_person_without_a_role_is_told_whom_to_ask() -> None:
    with pytest.raises(AccessDenied, match="Accès non attribué : demandez à la coordination GUP"):
        check(NOBODY, Action.EDIT_CONTACT, "evs-bastide")
    with pytest.raises(AccessDenied, match=r"accueil@evs\.fr ne peut pas modifier un fait de contact pour « cs-max-savy »"):
        check(EVS, Action.EDIT_CONTACT, "cs-max-savy")


ISSUER = "https://identite.example"


@pytest.mark.parametrize(("claims", "provider_verifies", "email"), [
    ({"email": "A@Agglo.fr", "email_verified": True}, False, "a@agglo.fr"),
    ({"email": "a@agglo.fr"}, False, None),  # no claim: not known to be verified
    ({"email": "a@agglo.fr"}, True, "a@agglo.fr"),  # ProConnect sends only verified e-mails (GUP_OIDC_EMAIL_VERIFIED=1)
    ({"email": "a@agglo.fr", "email_verified": False}, True, None),  # said unverified: refused, whatever the provider
    ({"email": "a@agglo.fr", "email_verified": "true"}, False, None),  # a string is not the boolean true
    ({"email_verified": True}, True, None),
])
def test_an_email_counts_only_when_known_to_be_verified(claims, provider_verifies, email) -> None:
    person = signed_in({"iss": ISSUER, "sub": "abc", **claims}, provider_verifies_email=provider_verifies)
    assert person == SignedIn(ISSUER, "abc", email)


@pytest.mark.parametrize("claims", [{"sub": "abc"}, {"iss": ISSUER}, {"iss": "", "sub": "abc"}])
def test_no_issuer_or_subject_no_person(claims) -> None:
    assert signed_in({**claims, "email": "a@agglo.fr", "email_verified": True}, provider_verifies_email=True) is None


@pytest.mark.parametrize(("secret", "said"), [
    (None, "cookie_secret manque"),
    ("", "cookie_secret manque"),
    ("une longue chaîne aléatoire", "exemple publié"),
    ("xxx", "exemple publié"),
    ("secret-de-test-1234", "trop court (19 caractères, 32 au moins)"),
])
def test_sign_in_is_refused_with_a_weak_or_published_cookie_secret(secret: str | None, said: str) -> None:
    from geo.directory.permissions import SECRET_COMMAND, sign_in_refusal

    auth: dict[str, object] = {"client_id": "carte"} if secret is None else {"cookie_secret": secret}
    refusal = sign_in_refusal(auth)
    assert refusal is not None and said in refusal and SECRET_COMMAND in refusal


def test_a_drawn_secret_enables_sign_in() -> None:
    import secrets

    from geo.directory.permissions import sign_in_refusal

    assert sign_in_refusal({"cookie_secret": secrets.token_urlsafe(48)}) is None
