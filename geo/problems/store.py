"""GUP problem reports in the directory's database: filed at a point, routed to the partners who fix them through the
outbox, followed from « reçu » to « résolu », and shown to the public without anyone's identity.

Filing, routing and the partners' e-mail are one transaction: a report exists with its messages or not at all.
The reporter's address is only ever used to tell them the outcome, and is erased 30 days after the report closes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Connection, Row, insert, select, update

from geo.db.schema import partner_address, problem, problem_event
from geo.db.store import Store
from geo.directory.editing import admins_in, editor_in, normalized_email, typed_text
from geo.directory.permissions import Action, check, check_role
from geo.errors import InputError
from geo.geocode import AddressSearch, GeocoderError
from geo.limits import Sender
from geo.mail.outbox import erase_recipient_in, queue_in
from geo.mail.rules import Message
from geo.problems.panel import Panel
from geo.problems.photos import clean_photo
from geo.problems.rules import (
    COORDINATION,
    TRIAGE,
    Filed,
    Spot,
    Status,
    address_expired,
    admit_problem,
    category,
    check_description,
    check_transition,
    first_support,
    is_public,
    is_stale,
    masked,
    nearby,
    partner_names,
    partners,
    shows_point,
)
from geo.territory.hours import local, now
from geo.territory.locate import Locator
from geo.territory.locate import Status as Situation
from geo.territory.text import ADDRESS_MAX, NAME_MAX, NOTE_MAX, bounded, visible

ANONYMOUS = "habitant"
#: A report's columns as lists and pages read them: whether it has a photo, never the photo's bytes.
LISTED = [*(c for c in problem.c if c.name != "photo"), problem.c.photo.is_not(None).label("has_photo")]


@dataclass(frozen=True)
class Problem:
    """A report as the people who handle it see it (the reporter's address is never in it)."""

    id: int
    category: str
    label: str
    """The category as the panel names it (« Encombrants déposés »)."""
    quartier: str | None
    quartier_name: str | None
    point: tuple[float, float]
    precise: bool
    """False when the resident chose a quartier rather than a place: the point only stands for the quartier."""
    address: str
    description: str
    status: Status
    partners: tuple[str, ...]
    supporters: int
    hidden: bool
    photo: PhotoState
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @property
    def public_description(self) -> str:
        return masked(self.description)

    @property
    def public_point(self) -> tuple[float, float] | None:
        """None for a category shown by its quartier only, or a report placed by its quartier."""
        return self.point if self.precise and shows_point(self.category) else None


class PhotoState(StrEnum):
    NONE = "aucune"
    PRIVATE = "privee"
    PUBLIC = "publiee"


@dataclass(frozen=True)
class Event:
    status: Status
    note: str
    author: str
    at: datetime


class UnknownProblem(InputError):
    """No such report for this reader: missing, hidden, or closed too long ago (all three answer the same)."""


@dataclass(frozen=True)
class Draft:
    """A new report as checked, before it is filed."""

    category: str
    lon: float
    lat: float
    description: str
    reporter: str | None
    address: str
    quartier: str | None
    commune: str | None = None
    """The commune of the territory where the point lies: a contact with zones is reached only there."""


@dataclass(frozen=True)
class Support:
    """A « moi aussi » and whether it counted (a second one from the same address or session does not)."""

    problem: Problem
    counted: bool


@dataclass(frozen=True)
class Place:
    lon: float
    lat: float
    precise: bool


def _number(text: str, name: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise InputError(f"{name} illisible : « {text} » (attendu : un nombre en degrés décimaux).") from None
    if not math.isfinite(value) or abs(value) > 180:
        raise InputError(f"{name} hors limites : « {text} ».")
    return value


class ProblemMessages(Protocol):
    """The messages a problem report causes, for one recipient."""

    def problem_to_partner(self, item: Problem, partner: str, to: str) -> Message: ...

    def problem_to_coordination(self, item: Problem, unreachable: list[str], to: str) -> Message: ...

    def problem_to_reporter(self, item: Problem, event: Event, to: str) -> Message: ...

    def problem_without_news(self, item: Problem, to: str) -> Message: ...


def _nothing() -> None:
    """No outbox_sender: messages wait in the outbox."""


class Problems:
    def __init__(self, store: Store, locator: Locator, panel: Panel, letters: ProblemMessages, *,
                 queued: Callable[[], None] = _nothing):
        self.store, self.locator, self.panel, self.letters, self.queued = store, locator, panel, letters, queued
        self.labels = {t.cle: t.libelle for t in panel.problems}
        self.quartier_names = {q.code: q.nom_local for q in locator.dataset.territory.quartiers}

    # --- residents -------------------------------------------------------------------------------

    def place(self, *, lat: str = "", lon: str = "", address: str = "", quartier: str = "",
              search: Callable[[], AddressSearch] | None = None) -> Place:
        """Where a report is, as every face takes it: a point (lat and lon), else an address found by the address
        search, else a quartier chosen in a list (its point then only stands for the quartier: never shown)."""
        if lat.strip() or lon.strip():
            if not (lat.strip() and lon.strip()):
                raise InputError("lat et long vont ensemble : donnez les deux, ou une adresse.")
            return Place(_number(lon, "long"), _number(lat, "lat"), True)
        if address.strip():
            bounded(address, "Adresse", ADDRESS_MAX)  # before any search: a book is not sent to the geocoder
            found = search() if search is not None else None
            if found is None or found.geocoder is None:
                said = f" ({found.off_reason})" if found is not None and found.off_reason else ""
                raise InputError(f"Recherche d'adresse indisponible{said} : choisissez le quartier, ou donnez un point.")
            try:
                results = found.geocoder.search(address, limit=1)
            except GeocoderError as exc:
                raise InputError(f"Recherche d'adresse indisponible ({exc}) : choisissez le quartier, ou donnez un "
                                 "point.") from None
            if not results:
                raise InputError(f"Adresse introuvable : « {address} » ; choisissez le quartier, ou donnez un point.")
            return Place(results[0].lon, results[0].lat, True)
        if quartier.strip():
            territory = self.locator.dataset.territory
            chosen = territory.quartier(quartier.strip())
            if chosen is None:
                known = ", ".join(q.code for q in territory.quartiers)
                raise InputError(f"Quartier inconnu : « {visible(quartier.strip()[:40])} » (quartiers : {known}).")
            point = chosen.geometry.representative_point()
            return Place(point.x, point.y, False)
        raise InputError("Où est le problème ? Donnez un point (lat et long), une adresse ou le quartier.")

    def nearby(self, key: str, lon: float, lat: float) -> list[Problem]:
        """Open reports of that category within 50 m, for « moi aussi » before a new one is filed."""
        category(self.panel, key)
        with self.store.reading() as conn:
            rows = {r.id: r for r in conn.execute(select(*LISTED).where(
                (problem.c.category == key) & problem.c.hidden.is_(False) & problem.c.precise.is_(True)))}
        spots = [Spot(r.id, r.category, (r.lon, r.lat), Status(r.status)) for r in rows.values()]
        return [self._as_problem(rows[s.id]) for s in nearby(spots, key, (lon, lat))]

    def check(self, key: str, lon: float, lat: float, description: str, *, email: str | None = None,
              address: str = "") -> Draft:
        """Everything a new report must be, checked before anything else is done with it (the nearby check
        included: an invalid form reveals nothing): its category, description, address, e-mail and a point in
        the commune."""
        topic = category(self.panel, key)
        text = check_description(description)
        kept_address = bounded(typed_text(address, "Adresse"), "Adresse", ADDRESS_MAX)
        reporter = normalized_email(email) if email and email.strip() else None
        answer = self.locator.locate(lon, lat)
        if answer.statut is Situation.HORS_COMMUNE:
            raise InputError(f"Ce point ({lat:.5f}, {lon:.5f}) est hors de {answer.commune_nom} : le signalement "
                             "ne peut pas être reçu ici.")
        return Draft(topic.cle, float(lon), float(lat), text, reporter, kept_address,
                     answer.quartier.code if answer.quartier else None, answer.commune_code)

    def file(self, key: str, lon: float, lat: float, description: str, *, email: str | None = None,
             address: str = "", author: str = ANONYMOUS, precise: bool = True, photo: bytes | None = None,
             photo_name: str = "photo", sender: Sender | None = None) -> Problem:
        """A new report: checked, within the sender's limit (a face always names its sender), routed to the
        partners of its category in its quartier, and sent to them and to the coordination in the same
        transaction."""
        draft = self.check(key, lon, lat, description, email=email, address=address)
        kept_photo = clean_photo(photo, name=photo_name) if photo else None
        if sender is not None:
            admit_problem(sender)
        routed = partners(self.panel, self.locator.dataset, draft.category, draft.quartier, draft.commune)
        moment = now()
        with self.store.beside() as conn:
            new_id = int(conn.execute(insert(problem).returning(problem.c.id).values(
                category=draft.category, quartier=draft.quartier, lon=draft.lon, lat=draft.lat, precise=precise,
                address=draft.address, description=draft.description, status=Status.RECEIVED.value,
                partners=";".join(routed), supporters=1, reporter_email=draft.reporter, hidden=False,
                created_at=moment, updated_at=moment, closed_at=None, flagged_on=None, photo=kept_photo,
                photo_public=False)).scalar_one())
            _event(conn, new_id, Status.RECEIVED, "", author, moment)
            self._route_in(conn, new_id, routed, moment)
            filed = self._get(conn, new_id)
        self.queued()
        return filed

    def walked(self, email: str, key: str, lon: float, lat: float, description: str, *,
               photo: bytes | None = None, photo_name: str = "photo") -> Problem:
        """One problem of a « diagnostic en marchant », filed by a signed-in editor where they stand: their
        role is checked, and the history names them."""
        with self.store.reading() as conn:
            who = check_role(editor_in(conn, email))
        return self.file(key, lon, lat, description, author=who.email, photo=photo, photo_name=photo_name)

    def me_too(self, problem_id: int, *, sender: Sender | None = None) -> Support:
        """« Moi aussi »: one more resident sees the same open problem (nobody is named). Counted once per report
        for each address and session, within the sender's limit; a hidden report is unknown, as a missing one."""
        known = self.shown(problem_id)
        if sender is not None:
            admit_problem(sender)
            if not first_support(sender, problem_id):
                return Support(known, counted=False)
        with self.store.beside() as conn:
            found = self._get(conn, problem_id)
            if found.hidden:
                raise UnknownProblem(f"Signalement inconnu : n° {problem_id}.")
            if found.status.closed:
                raise InputError(f"Le signalement n° {problem_id} n'est plus ouvert.")
            conn.execute(update(problem).where(problem.c.id == problem_id).values(supporters=problem.c.supporters + 1))
            return Support(self._get(conn, problem_id), counted=True)

    # --- the public ------------------------------------------------------------------------------

    def public(self, *, quartier: str | None = None, key: str | None = None) -> list[Problem]:
        """Open reports, and those closed in the last 90 days, newest first; never a hidden one."""
        query = select(*LISTED).order_by(problem.c.id.desc())
        if quartier is not None:
            query = query.where(problem.c.quartier == quartier)
        if key is not None:
            query = query.where(problem.c.category == key)
        today = now().date()
        with self.store.reading() as conn:
            items = [self._as_problem(r) for r in conn.execute(query)]
        return [p for p in items if is_public(p.status, p.closed_at.date() if p.closed_at else None, p.hidden, today)]

    def shown(self, problem_id: int) -> Problem:
        """One report as the public may read it, by the public list's rule: a hidden one, or one closed over 90
        days ago, is unknown to them, as a missing one is."""
        with self.store.reading() as conn:
            found = self._get(conn, problem_id)
        if not is_public(found.status, found.closed_at.date() if found.closed_at else None, found.hidden,
                         now().date()):
            raise UnknownProblem(f"Signalement inconnu : n° {problem_id}.")
        return found

    def latest_notes(self, problem_id: int | None = None) -> dict[int, str]:
        """Each report's latest public note (or one report's), read at once: a list of a thousand is one query."""
        query = (select(problem_event.c.problem_id, problem_event.c.note)
                 .where(problem_event.c.public.is_(True) & (problem_event.c.note != "")).order_by(problem_event.c.id))
        if problem_id is not None:
            query = query.where(problem_event.c.problem_id == problem_id)
        with self.store.reading() as conn:
            return {r.problem_id: r.note for r in conn.execute(query)}

    def events(self, problem_id: int, *, public_only: bool = True) -> list[Event]:
        with self.store.reading() as conn:
            rows = conn.execute(select(problem_event).where(problem_event.c.problem_id == problem_id)
                                .order_by(problem_event.c.id))
            return [Event(Status(r.status), r.note, r.author if not public_only else _public_author(r.author),
                          local(r.at)) for r in rows if r.public or not public_only]

    # --- the coordination ------------------------------------------------------------------------

    def advance(self, email: str, problem_id: int, wanted: Status, *, note: str = "") -> Problem:
        """An admin moves a report on (in the history, with its author); the reporter is told if they left an
        address."""
        return self._advance(problem_id, wanted, note,
                             lambda conn: check(editor_in(conn, email), Action.HANDLE_PROBLEM).email)

    def advance_by_operator(self, by: str, problem_id: int, wanted: Status, *, note: str = "") -> Problem:
        """The same move from the command line, whose operator holds the server (as every --by command does):
        the same rules, history and e-mails, the history naming them."""
        author = bounded(typed_text(by, "--by"), "--by", NAME_MAX)
        if not author:
            raise InputError("--by : dites qui fait la modification (gardé dans l'historique).")
        return self._advance(problem_id, wanted, note, lambda _conn: author)

    def _advance(self, problem_id: int, wanted: Status, note: str, author: Callable[[Connection], str]) -> Problem:
        note = bounded(typed_text(note, "Note"), "Note", NOTE_MAX)
        with self.store.beside() as conn:
            who = author(conn)
            found = self._get(conn, problem_id)
            check_transition(found.status, wanted, note)
            moment = now()
            conn.execute(update(problem).where(problem.c.id == problem_id).values(
                status=wanted.value, updated_at=moment, closed_at=moment if wanted.closed else None))
            event = _event(conn, problem_id, wanted, note, who, moment)
            changed = self._get(conn, problem_id)
            if (reporter := _reporter(conn, problem_id)) is not None:
                queue_in(conn, self.letters.problem_to_reporter(changed, event, reporter))
        self.queued()
        return changed

    def listed(self, statuses: frozenset[Status] | None = None) -> list[Problem]:
        """Every report (hidden ones included) for the coordination's command line, oldest first; a set of
        statuses keeps those."""
        query = select(*LISTED).order_by(problem.c.id)
        if statuses:
            query = query.where(problem.c.status.in_([s.value for s in statuses]))
        with self.store.reading() as conn:
            return [self._as_problem(r) for r in conn.execute(query)]

    def queue(self, email: str) -> list[Problem]:
        """What the coordination follows: every report not yet closed, hidden ones included, oldest first."""
        with self.store.reading() as conn:
            check(editor_in(conn, email), Action.HANDLE_PROBLEM)
            rows = conn.execute(select(*LISTED).where(problem.c.closed_at.is_(None)).order_by(problem.c.id))
            return [self._as_problem(r) for r in rows]

    def for_committee(self, *, quartier: str | None = None, since: date | None = None,
                      until: date | None = None) -> list[Problem]:
        """The reports of a quartier and period as the committee reads them, oldest first; never a hidden one."""
        query = select(*LISTED).where(problem.c.hidden.is_(False)).order_by(problem.c.id)
        if quartier is not None:
            query = query.where(problem.c.quartier == quartier)
        with self.store.reading() as conn:
            items = [self._as_problem(r) for r in conn.execute(query)]
        return [p for p in items if (since is None or p.created_at.date() >= since)
                and (until is None or p.created_at.date() <= until)]

    def committee(self, *, quartier: str | None = None, since: date | None = None,
                  until: date | None = None) -> list[Filed]:
        """What the GUP committee counts of those reports: who reported them is not in it."""
        themes = {t.cle: t.theme_libelle for t in self.panel.problems}
        return [Filed(p.quartier, themes.get(p.category, p.category), p.created_at, p.partners,
                      p.closed_at if p.status is Status.RESOLVED else None)
                for p in self.for_committee(quartier=quartier, since=since, until=until)]

    def hide(self, email: str, problem_id: int, *, reason: str) -> Problem:
        """An admin hides a report from the public (abuse, personal data); the reason stays in the history."""
        reason = bounded(typed_text(reason, "Raison"), "Raison", NOTE_MAX)
        if not reason:
            raise InputError("Dites pourquoi le signalement est masqué : la raison est gardée dans l'historique.")
        with self.store.beside() as conn:
            who = check(editor_in(conn, email), Action.HANDLE_PROBLEM)
            found = self._get(conn, problem_id)
            conn.execute(update(problem).where(problem.c.id == problem_id).values(hidden=True, updated_at=now()))
            _event(conn, problem_id, found.status, f"masqué : {reason}", who.email, now(), public=False)
            return self._get(conn, problem_id)

    def publish_photo(self, email: str, problem_id: int) -> Problem:
        """An admin makes a report's photo public, once they have looked at it (a face, a number plate…)."""
        with self.store.beside() as conn:
            who = check(editor_in(conn, email), Action.HANDLE_PROBLEM)
            if self._get(conn, problem_id).photo is PhotoState.NONE:
                raise InputError(f"Le signalement n° {problem_id} n'a pas de photo.")
            conn.execute(update(problem).where(problem.c.id == problem_id).values(photo_public=True, updated_at=now()))
            item = self._get(conn, problem_id)
            _event(conn, problem_id, item.status, "photo publiée", who.email, now(), public=False)
            return item

    def photo(self, problem_id: int, *, email: str | None = None) -> bytes | None:
        """A report's photo: the public's once published (and the report not hidden); an admin's (`email`) always."""
        with self.store.reading() as conn:
            if email is not None:
                check(editor_in(conn, email), Action.HANDLE_PROBLEM)
            row = conn.execute(select(problem.c.photo, problem.c.photo_public, problem.c.hidden)
                               .where(problem.c.id == problem_id)).first()
        if row is None or row.photo is None or (email is None and (not row.photo_public or row.hidden)):
            return None
        return bytes(row.photo)

    def set_partner_address(self, email: str, contact_id: str, address: str, *, source: str) -> None:
        """Where a partner of the panel receives reports: a sourced fact, recorded by an admin."""
        if contact_id not in self.panel.contacts and contact_id != TRIAGE:
            raise InputError(f"Partenaire inconnu : « {contact_id} » (voir gup_contacts.csv).")
        address, source = normalized_email(address), typed_text(source, "Source")
        if not source:
            raise InputError("Indiquez la source de cette adresse : elle est gardée avec elle.")
        with self.store.beside() as conn:
            who = check(editor_in(conn, email), Action.MANAGE_EDITORS)
            values = {"email": address, "source": source, "changed_by": who.email, "changed_at": now()}
            if not conn.execute(update(partner_address).where(partner_address.c.contact_id == contact_id)
                                .values(**values)).rowcount:
                conn.execute(insert(partner_address).values(contact_id=contact_id, **values))

    def partner_addresses(self) -> dict[str, str]:
        with self.store.reading() as conn:
            return {r.contact_id: r.email for r in conn.execute(select(partner_address))}

    def daily(self) -> int:
        """The daily round's part: erase the addresses of reports closed 30 days ago, and tell the admins once of
        each report left « transmis » 15 days without news. The number of messages written."""
        moment, written, erased = now(), 0, 0
        with self.store.beside() as conn:
            for kept in conn.execute(select(problem.c.id, problem.c.closed_at, problem.c.reporter_email)
                                     .where(problem.c.reporter_email.is_not(None))).all():
                if address_expired(local(kept.closed_at) if kept.closed_at else None, moment):
                    conn.execute(update(problem).where(problem.c.id == kept.id).values(reporter_email=None))
                    erase_recipient_in(conn, kept.reporter_email, f"probleme:{kept.id}")
                    erased += 1
            for r in conn.execute(select(*LISTED).where((problem.c.status == Status.TRANSMITTED.value)
                                                        & problem.c.flagged_on.is_(None)
                                                        & problem.c.hidden.is_(False))).all():
                if is_stale(Status(r.status), local(r.updated_at), moment):
                    for admin in admins_in(conn):
                        written += queue_in(conn, self.letters.problem_without_news(self._as_problem(r), admin)) is not None
                    conn.execute(update(problem).where(problem.c.id == r.id).values(flagged_on=moment.date()))
        if erased:
            self.store.checkpoint()
        return written

    # --- inside transactions ---------------------------------------------------------------------

    def _route_in(self, conn: Connection, problem_id: int, routed: tuple[str, ...], moment: datetime) -> None:
        """Each partner with a recorded address receives it; the coordination sees every report, and is told
        which partner it must reach by other means. Sent to a partner: « transmis », saying to whom."""
        addresses = {r.contact_id: r.email for r in conn.execute(select(partner_address))}
        filed = self._get(conn, problem_id)
        reached = [p for p in routed if p in addresses and p != TRIAGE]
        for partner in reached:
            queue_in(conn, self.letters.problem_to_partner(filed, partner, addresses[partner]))
        unreachable = [p for p in routed if p not in reached]
        for admin in sorted({*admins_in(conn), *([addresses[TRIAGE]] if TRIAGE in addresses else [])}):
            queue_in(conn, self.letters.problem_to_coordination(filed, unreachable, admin))
        if reached:
            shown = partner_names(self.panel)
            names = ", ".join(shown[p] for p in reached)
            conn.execute(update(problem).where(problem.c.id == problem_id).values(status=Status.TRANSMITTED.value))
            _event(conn, problem_id, Status.TRANSMITTED, f"à {names}", "service", moment)

    def _get(self, conn: Connection, problem_id: int) -> Problem:
        row = conn.execute(select(*LISTED).where(problem.c.id == problem_id)).first()
        if row is None:
            raise UnknownProblem(f"Signalement inconnu : n° {problem_id}.")
        return self._as_problem(row)

    def _as_problem(self, r: Row[Any]) -> Problem:
        return Problem(r.id, r.category, self.labels.get(r.category, r.category), r.quartier,
                       self.quartier_names.get(r.quartier, r.quartier) if r.quartier else None, (r.lon, r.lat),
                       bool(r.precise), r.address, r.description, Status(r.status), tuple(p for p in r.partners.split(";") if p),
                       r.supporters, bool(r.hidden),
                       PhotoState.NONE if not r.has_photo else PhotoState.PUBLIC if r.photo_public else PhotoState.PRIVATE,
                       local(r.created_at), local(r.updated_at),
                       local(r.closed_at) if r.closed_at else None)


def _event(conn: Connection, problem_id: int, status: Status, note: str, author: str, at: datetime, *,
           public: bool = True) -> Event:
    conn.execute(insert(problem_event).values(problem_id=problem_id, status=status.value, note=note, author=author,
                                              at=at, public=public))
    return Event(status, note, author, at)


def _reporter(conn: Connection, problem_id: int) -> str | None:
    found = conn.execute(select(problem.c.reporter_email).where(problem.c.id == problem_id)).scalar_one()
    return str(found) if found else None


def _public_author(author: str) -> str:
    """The public reads who acted as a role, never as a person."""
    return {ANONYMOUS: "habitant", "service": "service"}.get(author, COORDINATION)
