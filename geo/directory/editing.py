"""Signed-in editing: every write names the person by their verified e-mail, and their role is read from the
database inside the write's own transaction and checked by geo.directory.permissions before anything is written.

A page only passes the e-mail the identity provider verified: it cannot grant itself a role, and a crafted or
replayed request is checked the same way. Residents' reports need no identity and keep nothing personal.

An event that someone must hear of (a report, a proposal, a decision, a new role) writes its e-mail to the outbox
in its own transaction; who receives it is decided here, its words by the DirectoryMessages given (geo.mail.letters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection, Row, Table, delete, insert, select, update

from geo.db.schema import editor, mail_preference, proposal, report
from geo.db.store import Change, ConflictError, Guard, Store, moment_text
from geo.directory.corrections import admit_report, check_report
from geo.directory.permissions import AccessDenied, Action, Editor, SignedIn, Write, check, check_role, field_write
from geo.errors import InputError
from geo.limits import Sender
from geo.mail.outbox import Entry, Outbox, queue_in
from geo.mail.rules import Message, Preferences, ReportDelivery
from geo.territory.fields import STRUCTURE_COLUMNS
from geo.territory.hours import local, now
from geo.territory.notices import Notice
from geo.territory.text import EMAIL_MAX, control_problem, controls, visible
from geo.territory.zones import EXPECTED, written, zones

PENDING, APPROVED, REJECTED = "en_attente", "approuvee", "rejetee"


class StaleProposal(ConflictError):
    """The listing changed since the proposal was made: approving it would undo that change."""
OPEN, FIXED, DISMISSED = "ouvert", "corrige", "rejete"


def normalized_email(email: str) -> str:
    """An address as kept: checked by email-validator (syntax, 254 characters at most, no DNS look-up), lower case.
    A non-ASCII address is accepted: a server that cannot take it fails it once, saying why (geo.mail.outbox)."""
    cleaned = email.strip()
    shown = visible(cleaned if len(cleaned) <= 80 else cleaned[:79] + "…").replace("\n", "\\n")
    if len(cleaned) > EMAIL_MAX:
        raise InputError(f"Adresse électronique : {EMAIL_MAX} caractères au plus ({len(cleaned)} reçus).")
    if controls(cleaned):
        raise InputError(f"Adresse électronique invalide : « {shown} » (caractère de contrôle).")
    try:  # an internal network's domain (.local, .invalid in tests) is a domain too, but it needs its dot
        checked = validate_email(cleaned, check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError:
        raise InputError(f"Adresse électronique invalide : « {shown} ».") from None
    if "." not in checked.domain:
        raise InputError(f"Adresse électronique invalide : « {shown} » (domaine sans point).")
    return str(checked.normalized).lower()


def typed_text(text: str, what: str) -> str:
    """A note or a source typed in a form, trimmed; refused with the reason when it carries a control character."""
    if why := control_problem(text):
        raise InputError(f"{what} « {visible(text)} » : {why}.")
    return text.strip()


@dataclass(frozen=True)
class Proposal:
    id: int
    structure: str
    field: str
    before: str
    after: str
    author: str
    source: str
    created_at: datetime
    status: str
    decided_by: str | None
    note: str
    version: int
    """The listing's version the proposal was made against: approving it over a newer one would undo a change."""


@dataclass(frozen=True)
class Report:
    id: int
    structure: str
    reason: str
    text: str
    created_at: datetime
    status: str
    handled_by: str | None
    note: str


@dataclass(frozen=True)
class Edited:
    changes: list[Change]
    """Written at once."""
    proposals: list[Proposal]
    """Awaiting an admin."""


@dataclass(frozen=True)
class Role:
    email: str
    structure: str | None
    added_by: str
    zone: str | None = None
    """With no structure: the zones coordinated (zones.written); none: an admin of everything."""

    def __str__(self) -> str:
        if self.structure is not None:
            return f"{self.email} : structure {self.structure}"
        return f"{self.email} : " + (f"coordination de la zone {self.zone}" if self.zone else "admin (coordination)")


class DirectoryMessages(Protocol):
    """The messages editing's events cause, written for one recipient (`name` is the structure's)."""

    def report(self, item: Report, name: str, to: str) -> Message: ...

    def proposal(self, item: Proposal, name: str, to: str) -> Message: ...

    def decision(self, item: Proposal, name: str, to: str) -> Message: ...

    def invitation(self, role: Role, name: str | None, to: str) -> Message: ...


def _nothing() -> None:
    """No outbox_sender: the messages wait in the outbox for `outbox --send` or the next server round."""


class Editing:
    def __init__(self, store: Store, letters: DirectoryMessages, *, queued: Callable[[], None] = _nothing,
                 zone_structures: Callable[[frozenset[str]], frozenset[str]] = lambda _zones: frozenset()):
        """`queued` is called after a transaction that wrote mail commits (a server's outbox_sender wakes up);
        `zone_structures` names the structures serving a place of some zones, as the directory has them now."""
        self.store = store
        self.letters = letters
        self.queued = queued
        self.zone_structures = zone_structures

    # --- roles ---------------------------------------------------------------------------------

    def editor(self, email: str) -> Editor:
        with self.store.reading() as conn:
            return editor_in(conn, email, self.zone_structures)

    def identify(self, person: SignedIn) -> Editor:
        """The roles of a signed-in person, by the provider's issuer and subject. At the first sign-in with a
        verified e-mail, that e-mail's roles are bound to them; roles bound to another account are never theirs,
        whatever e-mail it shows. The Editor's e-mail is the roles' own, the one every write names."""
        nobody = Editor(person.email or "", False, frozenset())
        same = (editor.c.issuer == person.issuer) & (editor.c.subject == person.subject)
        with self.store.reading() as conn:
            bound = list(conn.execute(select(editor.c.email).where(same)))
            if bound:
                return editor_in(conn, bound[0].email, self.zone_structures)
            if person.email is None:
                return nobody
            rows = list(conn.execute(select(editor.c.issuer).where(editor.c.email == person.email)))
        if not rows or any(r.issuer is not None for r in rows):
            return nobody
        # Beside the directory: a sign-in changes no fact, and must not make every open page reload.
        with self.store.beside() as conn:
            conn.execute(update(editor).where((editor.c.email == person.email) & editor.c.issuer.is_(None))
                         .values(issuer=person.issuer, subject=person.subject))
            if conn.execute(select(editor.c.id).where(same)).first() is None:  # another account bound them first
                return nobody
            self.store.log(conn, [Change("*", "editeur", None, person.email)], author=person.email, at=now(),
                           source=person.issuer, reason="première connexion : rôle lié au compte du fournisseur")
            return editor_in(conn, person.email, self.zone_structures)

    def roles(self) -> list[Role]:
        with self.store.reading() as conn:
            return [Role(r.email, r.structure_id, r.added_by, r.zone)
                    for r in conn.execute(select(editor).order_by(editor.c.email, editor.c.structure_id, editor.c.zone))]

    def add_role(self, email: str, *, structure: str | None, by: str, as_editor: str | None = None,
                 zone: str | None = None) -> Role:
        """An admin (structure None), a zone coordinator (`zone`: COG codes) or a structure editor; from the page,
        `as_editor` must be allowed to manage that structure's editors (an admin, or the zone's coordinator)."""
        email = normalized_email(email)
        coordinated = _zone(zone, structure)
        with self.store.writing() as conn:
            if as_editor is not None:
                check(editor_in(conn, as_editor, self.zone_structures), Action.MANAGE_EDITORS, structure)
            if structure is not None and structure not in {s.id for s in self.store.structures_in(conn)}:
                raise InputError(f"Structure inconnue : « {structure} ».")
            same = (editor.c.email == email) & _role_is(structure, coordinated)
            if conn.execute(select(editor.c.id).where(same)).first() is not None:
                return Role(email, structure, by, coordinated)
            conn.execute(insert(editor).values(email=email, structure_id=structure, zone=coordinated, added_by=by,
                                               added_at=now()))
            why = ("ajout d'un éditeur" if structure else f"ajout d'un coordinateur de la zone {coordinated}"
                   if coordinated else "ajout d'un admin")
            self.store.log(conn, [Change(structure or "*", "editeur", None, email)], author=by, at=now(),
                           source="", reason=why)
            role = Role(email, structure, by, coordinated)
            name = self.store.listing_in(conn, structure).cells["nom"] if structure else None
            queue_in(conn, self.letters.invitation(role, name, email))
        self.queued()
        return role

    def remove_role(self, email: str, *, structure: str | None, by: str, zone: str | None = None) -> int:
        """Removes that role (every role of the person when structure is '*'); the number removed."""
        email = normalized_email(email)
        coordinated = _zone(zone, structure if structure != "*" else None)
        with self.store.writing() as conn:
            which = editor.c.email == email
            if structure != "*":
                which &= _role_is(structure, coordinated)
            removed = conn.execute(delete(editor).where(which)).rowcount
            if removed:
                self.store.log(conn, [Change(structure or "*", "editeur", email, None)], author=by, at=now(),
                               source="", reason="retrait d'un éditeur")
            return int(removed)

    # --- facts and notices ---------------------------------------------------------------------

    def edit(self, email: str, structure_id: str, values: dict[str, str], *, source: str,
             expected_version: int | None = None) -> Edited:
        """A form's fields: those the role allows are written at once (all or none), coverage changes by a
        structure editor become proposals awaiting an admin; a field the role allows neither way refuses it all."""
        who = self.editor(email)
        kinds = {field: field_write(who, field, structure_id) for field in values}
        direct = {f: v for f, v in values.items() if kinds[f] is Write.DIRECT}
        with self.store.writing() as conn:  # one transaction: a refused proposal leaves the direct fields unwritten
            changes = self.store.set_facts_in(conn, structure_id, direct, source=source, by=who.email,
                                              expected_version=expected_version,
                                              guard=self._may_write(email, tuple(direct))) if direct else []
            proposals = [self._propose_in(conn, email, structure_id, f, v, source=source,
                                          expected_version=expected_version)
                         for f, v in values.items() if kinds[f] is Write.PROPOSAL]
        if any(proposals):
            self.queued()
        return Edited(changes, [p for p in proposals if p is not None])

    def confirm(self, email: str, structure_id: str, fields: tuple[str, ...], *, source: str = "") -> tuple[str, ...]:
        return self.store.confirm(structure_id, fields, by=normalized_email(email), source=source,
                                  guard=self._may(email, Action.CONFIRM))

    def add_notice(self, email: str, structure_id: str, kind: str, starts: date, ends: date, *, message: str,
                   hours: str = "") -> Notice:
        return self.store.add_notice(structure_id, kind, starts, ends, message=message, hours=hours,
                                     by=normalized_email(email), guard=self._may(email, Action.POST_NOTICE))

    def end_notice(self, email: str, notice_id: int) -> Notice:
        return self.store.end_notice(notice_id, by=normalized_email(email), guard=self._may(email, Action.POST_NOTICE))

    def _may(self, email: str, action: Action) -> Guard:
        def guard(conn: Connection, structure_id: str) -> None:
            check(editor_in(conn, email, self.zone_structures), action, structure_id)

        return guard

    def _may_write(self, email: str, fields: tuple[str, ...]) -> Guard:
        def guard(conn: Connection, structure_id: str) -> None:
            who = editor_in(conn, email, self.zone_structures)  # the role as it is now, inside the write
            if any(field_write(who, field, structure_id) is not Write.DIRECT for field in fields):
                raise AccessDenied("Accès modifié entre-temps : rechargez la page.")

        return guard

    # --- proposals -----------------------------------------------------------------------------

    def _propose_in(self, conn: Connection, email: str, structure_id: str, field: str, value: str, *, source: str,
                    expected_version: int | None) -> Proposal | None:
        """A proposal, or None when the value is the current one (nothing to approve)."""
        check(editor_in(conn, email, self.zone_structures), Action.PROPOSE_COVERAGE, structure_id)
        source = typed_text(source, "Source")
        listing = self.store.listing_in(conn, structure_id)
        if listing.cells[field] == value.strip():
            return None
        row = {**listing.cells, field: value.strip()}
        self.store.validate_listing(row)
        moment = now()
        new_id = conn.execute(insert(proposal).returning(proposal.c.id).values(
            structure_id=structure_id, field=field, before=listing.cells[field], after=value.strip(),
            author=normalized_email(email), source=source, version=expected_version or listing.version,
            created_at=moment, status=PENDING, note="")).scalar_one()
        self.store.log(conn, [Change(structure_id, field, listing.cells[field], value.strip())],
                       author=normalized_email(email), at=moment, source=source, reason=f"proposition n° {new_id}")
        made = self._proposal(conn, int(new_id))
        for admin in admins_in(conn):
            queue_in(conn, self.letters.proposal(made, listing.cells["nom"], admin))
        return made

    def proposals(self, email: str, *, pending_only: bool = True) -> list[Proposal]:
        """An admin sees every proposal, a structure editor those of their structures."""
        return [as_proposal(r) for r in self._queue(email, proposal, PENDING if pending_only else None)]

    def _queue(self, email: str, table: Table, waiting: str | None) -> list[Row[Any]]:
        """A queue's rows (only those in the `waiting` status, unless None) that this person may see."""
        with self.store.reading() as conn:
            who = editor_in(conn, email, self.zone_structures)
            if not who.has_role:
                check(who, Action.HANDLE_REPORT)
            query = select(table).order_by(table.c.id)
            if waiting is not None:
                query = query.where(table.c.status == waiting)
            if not who.admin:
                query = query.where(table.c.structure_id.in_(who.structures | who.coordinated))
            return list(conn.execute(query))

    def decide(self, email: str, proposal_id: int, *, approve: bool, note: str = "") -> Proposal:
        """An admin approves (the change is applied, in the history) or rejects a proposal. A proposal made against
        an older version of the listing is refused, naming what changed since: the admin re-bases it or rejects it."""
        note = typed_text(note, "Note")
        with self.store.writing() as conn:
            who = check_role(editor_in(conn, email, self.zone_structures))  # no role: refused before any lookup
            who = check(who, Action.APPROVE, self._proposal(conn, proposal_id).structure)
            found = self._pending(conn, proposal_id)
            moment = now()
            if approve:
                listing = self.store.listing_in(conn, found.structure)
                if stale := self._changed_since(conn, found, listing.version):
                    raise StaleProposal(stale)
                row = {**listing.cells, found.field: found.after}
                self.store.validate_listing(row)
                self.store.apply_in(conn, listing, row, [Change(found.structure, found.field, listing.cells[found.field],
                                                                found.after)],
                                    by=f"{found.author}, approuvé par {who.email}", source=found.source,
                                    reason=f"proposition n° {proposal_id} approuvée")
            else:
                self.store.log(conn, [Change(found.structure, found.field, found.after, found.before)], author=who.email,
                               at=moment, source=note, reason=f"proposition n° {proposal_id} rejetée")
            conn.execute(update(proposal).where(proposal.c.id == proposal_id).values(
                status=APPROVED if approve else REJECTED, decided_by=who.email, decided_at=moment, note=note))
            decided = self._proposal(conn, proposal_id)
            queue_in(conn, self.letters.decision(decided, self.store.listing_in(conn, decided.structure).cells["nom"],
                                                 decided.author))
        self.queued()
        return decided

    def stale(self, proposal_item: Proposal) -> str | None:
        """What changed in the listing since the proposal was made (None: it can be approved as it is)."""
        with self.store.reading() as conn:
            listing = self.store.listing_in(conn, proposal_item.structure)
            return self._changed_since(conn, proposal_item, listing.version)

    def rebase(self, email: str, proposal_id: int) -> Proposal:
        """An admin moves a stale proposal onto the listing as it is now: its « avant » becomes today's value."""
        with self.store.writing() as conn:
            who = check_role(editor_in(conn, email, self.zone_structures))  # no role: refused before any lookup
            who = check(who, Action.APPROVE, self._proposal(conn, proposal_id).structure)
            found = self._pending(conn, proposal_id)
            listing = self.store.listing_in(conn, found.structure)
            self.store.validate_listing({**listing.cells, found.field: found.after})
            conn.execute(update(proposal).where(proposal.c.id == proposal_id).values(
                before=listing.cells[found.field], version=listing.version))
            self.store.log(conn, [Change(found.structure, found.field, found.before, listing.cells[found.field])],
                           author=who.email, at=now(), source="", reason=f"proposition n° {proposal_id} re-basée")
            return self._proposal(conn, proposal_id)

    def _pending(self, conn: Connection, proposal_id: int) -> Proposal:
        found = self._proposal(conn, proposal_id)
        if found.status != PENDING:
            raise InputError(f"La proposition n° {proposal_id} est déjà traitée.")
        return found

    def _changed_since(self, conn: Connection, found: Proposal, version: int) -> str | None:
        if version == found.version:
            return None
        changes = [e for e in self.store.history_in(conn, found.structure)
                   if local(e.at) >= found.created_at and e.before != e.after and e.field in STRUCTURE_COLUMNS
                   and not e.reason.startswith("proposition n° ")]
        said = ", ".join(f"{e.field} par {e.author} ({moment_text(e.at)})" for e in changes) or "une modification"
        return (f"La fiche « {found.structure} » a changé depuis la proposition n° {found.id} : {said}. "
                f"L'approuver défera ce changement : re-basez-la sur la fiche actuelle (son « avant » deviendra "
                f"« {self.store.listing_in(conn, found.structure).cells[found.field]} »), ou rejetez-la.")

    def _proposal(self, conn: Connection, proposal_id: int) -> Proposal:
        row = conn.execute(select(proposal).where(proposal.c.id == proposal_id)).first()
        if row is None:
            raise InputError(f"Proposition inconnue : n° {proposal_id}.")
        return as_proposal(row)

    # --- residents' reports --------------------------------------------------------------------

    def file_report(self, structure_id: str, reason: str, text: str, *, sender: Sender | None = None) -> int:
        """A resident's report: no identity, no address, no time finer than the minute is kept. It joins a queue
        and changes no fact, so the directory's revision stays (open pages do not rerun for it). Within the
        sender's limit: a face always names its sender."""
        kept = check_report(reason, text)
        if sender is not None:
            admit_report(sender)
        with self.store.beside() as conn:
            name = self.store.listing_in(conn, structure_id).cells["nom"]
            moment = now().replace(second=0, microsecond=0)
            new_id = int(conn.execute(insert(report).returning(report.c.id).values(
                structure_id=structure_id, reason=reason, text=kept, created_at=moment, status=OPEN,
                note="")).scalar_one())
            filed = as_report(conn.execute(select(report).where(report.c.id == new_id)).one())
            for person in _editors_of(conn, structure_id):  # the structure's editors and the admins
                daily = preferences_in(conn, person).reports is ReportDelivery.DAILY
                queue_in(conn, self.letters.report(filed, name, person), held=daily)
        self.queued()
        return new_id

    def report(self, email: str, report_id: int) -> Report:
        """One report, for a message's link: the admins and that structure's editors may see it."""
        with self.store.reading() as conn:
            row = conn.execute(select(report).where(report.c.id == report_id)).first()
            if row is None:
                raise InputError(f"Signalement inconnu : n° {report_id}.")
            check(editor_in(conn, email, self.zone_structures), Action.HANDLE_REPORT, row.structure_id)
            return as_report(row)

    def proposal(self, email: str, proposal_id: int) -> Proposal:
        """One proposal, for a message's link: the admins and that structure's editors may see it."""
        with self.store.reading() as conn:
            found = self._proposal(conn, proposal_id)
            check(editor_in(conn, email, self.zone_structures), Action.HANDLE_REPORT, found.structure)
            return found

    def reports(self, email: str, *, open_only: bool = True) -> list[Report]:
        """The admins see every report, a structure's editors those about their structures."""
        return [as_report(r) for r in self._queue(email, report, OPEN if open_only else None)]

    def open_reports(self) -> dict[str, int]:
        """Open reports per structure, for the planner (counts only)."""
        with self.store.reading() as conn:
            counts: dict[str, int] = {}
            for r in conn.execute(select(report.c.structure_id).where(report.c.status == OPEN)):
                counts[r.structure_id] = counts.get(r.structure_id, 0) + 1
            return counts

    def handle_report(self, email: str, report_id: int, *, fixed: bool, note: str) -> Report:
        note = typed_text(note, "Note")
        with self.store.writing() as conn:
            row = conn.execute(select(report).where(report.c.id == report_id)).first()
            if row is None:
                raise InputError(f"Signalement inconnu : n° {report_id}.")
            who = check(editor_in(conn, email, self.zone_structures), Action.HANDLE_REPORT, row.structure_id)
            if row.status != OPEN:
                raise InputError(f"Le signalement n° {report_id} est déjà traité.")
            moment = now()
            conn.execute(update(report).where(report.c.id == report_id).values(
                status=FIXED if fixed else DISMISSED, handled_by=who.email, handled_at=moment, note=note.strip()))
            self.store.log(conn, [Change(row.structure_id, "signalement", row.reason, FIXED if fixed else DISMISSED)],
                           author=who.email, at=moment, source=note.strip(), reason=f"signalement n° {report_id}")
            return as_report(conn.execute(select(report).where(report.c.id == report_id)).one())

    # --- each person's e-mail ------------------------------------------------------------------

    def preferences(self, email: str) -> Preferences:
        with self.store.reading() as conn:
            return preferences_in(conn, normalized_email(email))

    def set_preferences(self, email: str, chosen: Preferences) -> Preferences:
        """A person with a role chooses for themselves; beside the directory (no fact changes)."""
        email = normalized_email(email)
        with self.store.beside() as conn:
            check_role(editor_in(conn, email, self.zone_structures))
            values = {"reports": chosen.reports.value, "reminders": chosen.reminders, "changed_at": now()}
            if conn.execute(update(mail_preference).where(mail_preference.c.email == email).values(**values)).rowcount == 0:
                conn.execute(insert(mail_preference).values(email=email, **values))
            return preferences_in(conn, email)

    def outbox(self, email: str, *, limit: int = 30) -> list[Entry]:
        """The latest messages (never their bodies), for the admins."""
        with self.store.reading() as conn:
            check(editor_in(conn, email, self.zone_structures), Action.READ_OUTBOX)
        return Outbox(self.store).entries(limit=limit)


def preferences_in(conn: Connection, email: str) -> Preferences:
    row = conn.execute(select(mail_preference).where(mail_preference.c.email == email)).first()
    return Preferences(ReportDelivery(row.reports), bool(row.reminders)) if row else Preferences()


def admins_in(conn: Connection) -> list[str]:
    return sorted({r.email for r in conn.execute(select(editor.c.email).where(_role_is(None, None)))})


def structure_editors_in(conn: Connection, structure_id: str) -> list[str]:
    return sorted({r.email for r in conn.execute(select(editor.c.email).where(editor.c.structure_id == structure_id))})


def _editors_of(conn: Connection, structure_id: str) -> list[str]:
    """Who hears of a structure's report: its editors, then the admins (each once)."""
    own = structure_editors_in(conn, structure_id)
    return own + [a for a in admins_in(conn) if a not in own]


def _zone(zone: str | None, structure: str | None) -> str | None:
    """A coordinated zone as a store keeps it, or an InputError naming the bad code."""
    if zone is None:
        return None
    if structure is not None:
        raise InputError("Un rôle porte sur une structure ou sur une zone, pas les deux.")
    found = zones(zone)
    if not found:
        raise InputError(f"Zone vide : « {zone} » (attendu : {EXPECTED}).")
    return written(found)


def _role_is(structure: str | None, zone: str | None) -> Any:
    """The rows of exactly that role: a structure's editor, a zone's coordinator or an admin."""
    if structure is not None:
        return editor.c.structure_id == structure
    return editor.c.structure_id.is_(None) & (editor.c.zone == zone if zone else editor.c.zone.is_(None))


def editor_in(conn: Connection, email: str,
              zone_structures: Callable[[frozenset[str]], frozenset[str]] = lambda _zones: frozenset()) -> Editor:
    """The person's roles as the database has them now (none: an Editor with no role); a zone coordinator's
    structures are those serving a place of their zones (`zone_structures`)."""
    cleaned = email.strip().lower()
    rows = list(conn.execute(select(editor.c.structure_id, editor.c.zone).where(editor.c.email == cleaned)))
    zones_held = frozenset(r.zone for r in rows if r.structure_id is None and r.zone)
    return Editor(cleaned, any(r.structure_id is None and not r.zone for r in rows),
                  frozenset(r.structure_id for r in rows if r.structure_id is not None), zones_held,
                  zone_structures(zones_held) if zones_held else frozenset())


def as_proposal(r: Row[Any]) -> Proposal:
    return Proposal(r.id, r.structure_id, r.field, r.before, r.after, r.author, r.source, local(r.created_at), r.status,
                    r.decided_by, r.note, r.version)


def as_report(r: Row[Any]) -> Report:
    return Report(r.id, r.structure_id, r.reason, r.text, local(r.created_at), r.status, r.handled_by, r.note)

