"""The GUP problems panel: « je remarque un problème dans mon quartier » → the right contact, and why.

The routing is data (`gup_themes.csv`, `gup_contacts.csv`), edited like `structures.csv` and
validated the same way. A contact tied to a structure (the régie's médiateurs) is offered only
where that structure covers the resident's quartier.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from geo.errors import InputError
from geo.i18n import _
from geo.territory.model import Dataset, Quartier
from geo.territory.phone import normalize_phone, phone_display, sms_href, tel_href
from geo.territory.validation import required_text, split_list
from geo.territory.zones import CommuneFacts, Zone, contains, zones

CONTACTS_FILE = "gup_contacts.csv"
THEMES_FILE = "gup_themes.csv"
EMERGENCY_PREFIX = "urgence-"


@dataclass(frozen=True)
class Panel:
    contacts: dict[str, Contact]
    problems: tuple[Topic, ...]

    def themes(self) -> dict[str, str]:
        return {p.theme: p.theme_libelle for p in self.problems}

    def emergency(self) -> list[Contact]:
        return [c for key, c in self.contacts.items() if key.startswith(EMERGENCY_PREFIX)]


class Contact(BaseModel):
    """Whom to call: a row of gup_contacts.csv, validated."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)
    id: str
    nom: str
    telephone: str = ""
    gratuit: bool = False
    site: str = ""
    adresse: str = ""
    structure: str = ""
    description: str = ""
    source: str
    sms: bool = False
    zones: tuple[Zone, ...] = ()
    """Where it answers (COG codes: communes, EPCI, départements…); none: everywhere the territory covers."""

    _required = field_validator("id", "nom", "source", mode="before")(required_text)

    @field_validator("zones", mode="before")
    @classmethod
    def _zones(cls, value: str) -> tuple[Zone, ...]:
        try:
            return zones(value or "")
        except InputError as exc:
            raise PydanticCustomError("zone", str(exc)) from exc

    def serves(self, commune: CommuneFacts | None) -> bool:
        """Whether it answers for a place in `commune` (None: a place whose commune is unknown, where only a
        contact without zones answers)."""
        return not self.zones or (commune is not None and contains(self.zones, commune))

    @field_validator("telephone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return normalize_phone(value, allow_short=True) if value else ""

    @field_validator("gratuit", "sms", mode="before")
    @classmethod
    def _yes_no(cls, value: str) -> bool:
        if (value or "non").strip().lower() not in ("oui", "non"):
            raise PydanticCustomError("yes_no", "valeur attendue : « oui » ou « non »")
        return value.strip().lower() == "oui"

    @field_validator("structure")
    @classmethod
    def _known_structure(cls, value: str, info: Any) -> str:
        if value and value not in info.context["structures"]:
            raise PydanticCustomError("unknown", f"structure inconnue : {value} (voir structures.csv)")
        return value


class Topic(BaseModel):
    """A sub-theme of the brochure's panel ('encombrants') and whom to call about it: a row of gup_themes.csv."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)
    theme: str
    theme_libelle: str
    cle: str
    libelle: str
    contacts: tuple[str, ...]
    pourquoi: str

    _required = field_validator("theme", "theme_libelle", "cle", "libelle", "pourquoi", mode="before")(required_text)

    @field_validator("contacts", mode="before")
    @classmethod
    def _known_contacts(cls, value: str, info: Any) -> tuple[str, ...]:
        items = split_list(value or "")
        if not items:
            raise PydanticCustomError("required", "au moins un contact est nécessaire")
        unknown = [c for c in items if c not in info.context["contacts"]]
        if unknown:
            raise PydanticCustomError("unknown", f"contact inconnu : {', '.join(unknown)} (voir {CONTACTS_FILE})")
        return items


@dataclass(frozen=True)
class ShownContact:
    """A contact as a resident reads it and the CLI prints it (`as_json`: the field names are a contract)."""

    id: str
    nom: str
    telephone: str | None
    tel: str | None
    sms: str | None
    gratuit: bool
    site: str | None
    adresse: str | None
    description: str
    pourquoi: str | None
    source: str

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class SubTheme:
    cle: str
    libelle: str
    contacts: tuple[ShownContact, ...]


@dataclass(frozen=True)
class Routing:
    """Whom to call about a theme: each of its sub-themes with its contacts, and the emergency numbers."""

    theme_cle: str
    theme_libelle: str
    sous_themes: tuple[SubTheme, ...]
    urgence: tuple[ShownContact, ...]

    def as_json(self) -> dict[str, Any]:
        return {"theme": {"cle": self.theme_cle, "libelle": self.theme_libelle},
                "sous_themes": [{"cle": t.cle, "libelle": t.libelle, "contacts": [c.as_json() for c in t.contacts]}
                                for t in self.sous_themes],
                "urgence": [c.as_json() for c in self.urgence]}


def shown_contact(contact: Contact, dataset: Dataset, why: str = "") -> ShownContact:
    """A structure's contact takes the structure's phone."""
    phone = contact.telephone or (dataset.known_structure(contact.structure).telephone if contact.structure else "")
    return ShownContact(
        id=contact.id, nom=contact.nom, telephone=phone_display(phone) if phone else None,
        tel=tel_href(phone) if phone else None, sms=sms_href(phone) if phone and contact.sms else None,
        gratuit=contact.gratuit, site=contact.site or None, adresse=contact.adresse or None,
        description=contact.description, pourquoi=why or None, source=contact.source)


def emergency_contacts(panel: Panel, dataset: Dataset) -> tuple[ShownContact, ...]:
    return tuple(shown_contact(c, dataset) for c in panel.emergency())


def commune_facts(dataset: Dataset, quartier: Quartier | None, commune: str | None) -> CommuneFacts | None:
    """Where a place sits, from its commune's code, else its quartier's commune, else the territory's only one."""
    territory = dataset.territory
    found = (territory.commune(commune) if commune else None) or (territory.commune_of(quartier) if quartier else None)
    if found is None and len(territory.communes) == 1:
        found = territory.communes[0]
    return None if found is None else found.facts()


def route(panel: Panel, dataset: Dataset, key: str, quartier_code: str | None,
          commune: str | None = None) -> Routing:
    """Whom to call about a theme or sub-theme, for a resident of `quartier_code` (None: unknown place) in
    `commune` (by default the quartier's)."""
    chosen = [p for p in panel.problems if key in (p.cle, p.theme)]
    if not chosen:
        known = ", ".join(sorted({*panel.themes(), *(p.cle for p in panel.problems)}))
        raise InputError(f"Thème inconnu : « {key} » (thèmes et sous-thèmes : {known}).")
    here = dataset.territory.known_quartier(quartier_code) if quartier_code is not None else None
    where = commune_facts(dataset, here, commune)
    sub_themes = []
    for problem in chosen:
        contacts = []
        for contact_id in problem.contacts:
            contact = panel.contacts[contact_id]
            structure = dataset.known_structure(contact.structure) if contact.structure else None
            if structure and here is not None and not structure.covers(here):
                continue  # the régie's médiateurs do not work in this quartier
            if not contact.serves(where):
                continue  # a town's numéro vert answers for its town only
            why = _(problem.pourquoi)
            if structure and quartier_code is None:
                names = ", ".join(dataset.territory.known_quartier(c).nom_local for c in structure.quartiers)
                why += " " + _("(dans les quartiers : {noms})").format(noms=names)
            contacts.append(shown_contact(contact, dataset, why))
        sub_themes.append(SubTheme(problem.cle, problem.libelle, tuple(contacts)))
    return Routing(chosen[0].theme, chosen[0].theme_libelle, tuple(sub_themes), emergency_contacts(panel, dataset))
