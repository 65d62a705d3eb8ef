"""One settings table: every GUP_* variable, its default and its meaning.

The documentation's settings reference (docs/reference/reglages.md) is written from SETTINGS at build time, so the
two never drift.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BATCH_CHUNK_ROWS = 50_000  # rows a batch engine reads and writes at a time (bounded memory); --chunk-size


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "GUP_DATA_DIR",
        "data",
        "Dossier des données : structures.csv, services.csv, noms_locaux.csv, sources.toml "
        "et les quartiers construits (relatif à la racine du projet).",
    ),
    Setting(
        "GUP_SOURCES_DIR",
        "../shared/data/qpv",
        "Miroir local des fichiers officiels QPV ; s'il est absent, build-data télécharge "
        "la source officielle nommée dans sources.toml.",
    ),
    Setting(
        "GUP_COMMUNE",
        "11069",
        "Code INSEE de la commune servie (11069 = Carcassonne). Toute commune du fichier source "
        "fonctionne sans changer le code.",
    ),
    Setting(
        "GUP_TERRITOIRE",
        "",
        "Territoire servi par un seul déploiement : codes séparés par des virgules, communes (11069), départements "
        "(11), EPCI (SIREN à 9 chiffres), régions (region:76) ou france ; vide : la commune de GUP_COMMUNE.",
    ),
    Setting(
        "GUP_GENERATION",
        "",
        "Génération des quartiers qui répond : 2015 (liste de la brochure) ou 2024 (décret n° 2023-1314) ; vide : la "
        "plus récente construite par build-data.",
    ),
    Setting(
        "GUP_GEOCODER",
        "geoplateforme",
        "Recherche d'adresse : geoplateforme (service national), addok (serveur addok de GUP_ADDOK_URL) ou offline "
        "(index local seul). Un service distant en panne passe la main à l'index local s'il est construit.",
    ),
    Setting("GUP_GEOPLATEFORME_URL", "https://data.geopf.fr/geocodage", "Adresse du service national de géocodage."),
    Setting("GUP_ADDOK_URL", "", "Adresse d'un serveur addok (ex. http://127.0.0.1:7878), pour GUP_GEOCODER=addok."),
    Setting("GUP_GEOCODER_TIMEOUT", "2", "Délai maximal d'une requête au service d'adresses, en secondes."),
    Setting(
        "GUP_STATS",
        "0",
        "1 : compter anonymement les recherches des habitants (quartier × type d'aide × semaine, rien d'autre) ; "
        "0 : ne rien compter.",
    ),
    Setting(
        "GUP_DATABASE_URL",
        "",
        "Base de l'annuaire des structures (URL SQLAlchemy, ex. postgresql+psycopg://gup:…@hote/annuaire pour "
        "plusieurs serveurs) ; vide : le fichier SQLite annuaire.sqlite3 du dossier GUP_DATA_DIR.",
    ),
    Setting(
        "GUP_COORDINATION_EMAIL",
        "frederic.fillaquier@carcassonne-agglo.fr",
        "Contact de la coordination GUP, montré à une personne connectée sans rôle (le contact Carcassonne Agglo "
        "imprimé dans la brochure GUP).",
    ),
    Setting(
        "GUP_OIDC_EMAIL_VERIFIED",
        "0",
        "1 : le fournisseur d'identité ne transmet que des courriels vérifiés (ProConnect) ; un jeton sans "
        "email_verified est alors accepté. 0 : il faut email_verified vrai dans le jeton.",
    ),
    Setting(
        "GUP_APP_URL",
        "/",
        "Adresse de la carte complète (les pages Streamlit), pour le lien de la page légère ; « / » quand les "
        "deux sont servies sur une même adresse (python -m geo serve).",
    ),
    Setting(
        "GUP_SIMPLE_URL",
        "/simple",
        "Adresse de la page légère (servie par serve et serve-api), pour le lien « Version légère pour petit réseau » de la "
        "page habitant.",
    ),
    Setting(
        "GUP_TRUSTED_PROXIES",
        "",
        "Mandataires inverses dont on croit l'en-tête X-Forwarded-For (adresses ou réseaux séparés par des virgules, "
        "ex. 127.0.0.1 pour le nginx de la même machine) ; vide : l'adresse qui se connecte compte, l'en-tête est "
        "ignoré.",
    ),
    Setting(
        "GUP_SECRETS_FILE",
        "",
        "Fichier des secrets de python -m geo serve (section [auth] de la connexion), à la place de "
        ".streamlit/secrets.toml ; vide : .streamlit/secrets.toml.",
    ),
    Setting(
        "GUP_SMTP_URL",
        "",
        "Serveur d'envoi des courriels : smtp://utilisateur:mot-de-passe@hote:587 (STARTTLS quand le serveur le "
        "propose) ou smtps://…:465 ; vide : rien n'est envoyé, les messages attendent dans la boîte d'envoi et /gerer "
        "le dit. Le mot de passe n'est jamais affiché.",
    ),
    Setting(
        "GUP_MAIL_FROM",
        "Carte de la médiation <ne-pas-repondre@localhost>",
        "Expéditeur des courriels de l'annuaire (signalements, propositions, invitations, rappels, synthèse).",
    ),
    Setting(
        "GUP_OUTBOX_KEEP_DAYS",
        "90",
        "Jours pendant lesquels la boîte d'envoi garde le texte des courriels partis ou en échec ; ensuite, seuls "
        "le destinataire, l'objet, le motif et les dates restent (la tournée quotidienne efface le reste).",
    ),
    Setting(
        "GUP_PUBLIC_URL",
        "http://localhost:8501",
        "Adresse publique du service, pour les liens des courriels vers /gerer (ex. https://mediation.carcassonne-"
        "agglo.fr).",
    ),
    Setting(
        "GUP_NOW",
        "",
        "Heure de Paris figée (ex. 2026-11-24T21:00) pour une démonstration ou un test ; vide : l'heure réelle.",
    ),
    Setting(
        "GUP_LOG_FILE",
        "data/erreurs.log",
        "Journal des erreurs inattendues de la ligne de commande (pile d'appels, jamais les saisies) ; "
        "l'utilisateur n'en voit qu'une référence courte.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The value in force: the environment when set and not blank, else the default."""
    value = os.environ.get(name, "").strip()
    return value or _BY_NAME[name].default


def _path(name: str) -> Path:
    path = Path(get(name)).expanduser()
    if os.environ.get(name, "").strip():
        return path.resolve()
    return (PROJECT_ROOT / path).resolve()


def data_dir() -> Path:
    return _path("GUP_DATA_DIR")


def sources_dir() -> Path:
    return _path("GUP_SOURCES_DIR")


def database_url() -> str:
    return get("GUP_DATABASE_URL") or f"sqlite:///{data_dir() / 'annuaire.sqlite3'}"


def coordination_email() -> str:
    return get("GUP_COORDINATION_EMAIL")


def oidc_email_verified() -> bool:
    return get("GUP_OIDC_EMAIL_VERIFIED") == "1"


def commune() -> str:
    return get("GUP_COMMUNE")


def territory() -> str:
    """The served territory as written in GUP_TERRITOIRE, else the one commune of GUP_COMMUNE."""
    return get("GUP_TERRITOIRE") or commune()


def generation() -> str:
    """The generation asked for by GUP_GENERATION, empty when the newest built one is to answer."""
    return get("GUP_GENERATION")


def stats_enabled() -> bool:
    return get("GUP_STATS") == "1"


def log_file() -> Path:
    return _path("GUP_LOG_FILE")


def geocoder_timeout() -> float:
    return float(get("GUP_GEOCODER_TIMEOUT"))


def smtp_url() -> str:
    return get("GUP_SMTP_URL")


def mail_from() -> str:
    return get("GUP_MAIL_FROM")


def outbox_keep_days() -> int:
    """How long sent mail keeps its text; a value that is not a positive whole number is refused in French."""
    text = get("GUP_OUTBOX_KEEP_DAYS")
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        from geo.errors import InputError

        raise InputError(f"GUP_OUTBOX_KEEP_DAYS illisible : « {text} » (attendu : un nombre de jours, ex. 90).")
    return int(text)


def public_url() -> str:
    """The service's public address, without a final slash."""
    return get("GUP_PUBLIC_URL").rstrip("/")
