"""Shareable state: the URL parameters that say what a page shows, read leniently and written back.

`quartier=<code>`, `service=<key>`, `lon=`/`lat=`, `adresse=`, `vue=resident|planner` (Streamlit's
own `embed=true` hides the page chrome for iframes). An unknown or malformed parameter is ignored
with a French notice, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from geo.geocode import AddressSearch, GeocoderError
from geo.i18n import SOURCE, _
from geo.territory.locate import Answer, Locator
from geo.territory.model import Dataset
from geo.territory.zones import commune_of_arrondissement

KNOWN = ("quartier", "service", "lon", "lat", "adresse", "vue", "embed", "embed_options", "id", "lang", "commune")
VIEWS = ("resident", "planner")


@dataclass
class LinkState:
    quartier: str | None = None
    service: str | None = None
    point: tuple[float, float] | None = None
    adresse: str | None = None
    vue: str | None = None
    commune: str | None = None
    """A commune of the territory the link chose (its INSEE code; an arrondissement's is its commune's)."""
    ignored: list[str] = field(default_factory=list)


def _number(text: str, limit: float) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= limit else None


def read_params(params: Mapping[str, str], dataset: Dataset) -> LinkState:
    state = LinkState()
    for name in params:
        if name not in KNOWN:
            state.ignored.append(_("paramètre inconnu « {nom} »").format(nom=name))
    if (code := params.get("quartier")) is not None:
        if found := dataset.territory.quartier(code):
            state.quartier = found.code  # a link shared with the other generation's code still finds its quartier
        else:
            state.ignored.append(_("quartier inconnu « {code} »").format(code=code))
    if (code := params.get("commune")) is not None:
        if chosen := dataset.territory.commune(commune_of_arrondissement(code.strip().upper())):
            state.commune = chosen.code
        else:
            state.ignored.append(_("commune inconnue « {commune} »").format(commune=code[:16]))
    if (key := params.get("service")) is not None:
        if dataset.service(key):
            state.service = key
        else:
            state.ignored.append(_("type d'aide inconnu « {cle} »").format(cle=key))
    if "lon" in params or "lat" in params:
        lon, lat = _number(params.get("lon", ""), 180), _number(params.get("lat", ""), 90)
        if lon is None or lat is None:
            state.ignored.append(_("point illisible (lon={lon}, lat={lat})").format(lon=params.get("lon", ""),
                                                                                   lat=params.get("lat", "")))
        else:
            state.point = (lon, lat)
    if (text := params.get("adresse", "").strip()):
        state.adresse = text[:200]
    if (view := params.get("vue")) is not None:
        if view in VIEWS:
            state.vue = view
        else:
            state.ignored.append(_("vue inconnue « {vue} » (resident ou planner)").format(vue=view))
    return state


@dataclass(frozen=True)
class LinkAnswer:
    """What a shared link shows: the answer (None: nothing chosen yet), the point and address it came from, the
    kind of help, the address as typed (to show it in the form again), and what was ignored, in words."""

    answer: Answer | None
    point: tuple[float, float] | None
    address_label: str | None
    service: str | None
    typed_address: str
    ignored: list[str]
    commune: str | None = None


def answer_link(params: Mapping[str, str], locator: Locator, search: Callable[[], AddressSearch]) -> LinkAnswer:
    """One way from a link to an answer, for every face: a point first, else the address (geocoded), else the
    quartier; an address that cannot be found or searched falls back to the quartier the link also names, and
    says why. Every face asks this, so the same link gives the same answer everywhere. `search` is asked for only
    when the link gives an address: most links name a quartier or a point, and need no geocoder."""
    link = read_params(params, locator.dataset)
    ignored = list(link.ignored)
    point, label = link.point, None
    if point is None and link.adresse:
        service = search()
        found = []
        if service.geocoder is not None:
            try:
                found = service.geocoder.search(link.adresse, limit=1)
            except GeocoderError:
                found = []
        if found:
            point, label = (found[0].lon, found[0].lat), found[0].label
        else:
            ignored.append(service.off_reason if service.geocoder is None else
                           _("adresse introuvable « {adresse} »").format(adresse=link.adresse))
    if point is not None:
        answer: Answer | None = locator.locate(*point)
    else:
        answer = locator.for_quartier(link.quartier) if link.quartier else None
    return LinkAnswer(answer, point, label, link.service, link.adresse or "", ignored, link.commune)


def params_for(*, quartier: str | None = None, service: str | None = None,
               point: tuple[float, float] | None = None, keep: Mapping[str, str] | None = None,
               commune: str | None = None) -> dict[str, str]:
    """The URL parameters of a resident's state; `keep` carries embed options a partner set."""
    params = {k: v for k, v in (keep or {}).items() if k in ("embed", "embed_options", "lang")}
    if commune:
        params["commune"] = commune
    if point is not None:
        params.update(lon=f"{point[0]:.6f}", lat=f"{point[1]:.6f}")
    elif quartier:
        params["quartier"] = quartier
    if service:
        params["service"] = service
    return params


def face_link(base: str, *, quartier: str | None = None, service: str | None = None,
              point: tuple[float, float] | None = None, adresse: str | None = None, lang: str = SOURCE) -> str:
    """The same state on another face (the light page ↔ the full map): the point, else the quartier, else the
    address as typed; the kind of help and the language with it."""
    params = params_for(quartier=quartier, service=service, point=point)
    if adresse and point is None and not quartier:
        params["adresse"] = adresse
    if lang != SOURCE:
        params["lang"] = lang
    return f"{base}?{urlencode(params)}" if params else base


def embed_snippet(base_url: str, *, quartier: str | None, quartier_nom: str | None, service: str | None,
                  height: int, dark: bool, lang: str = SOURCE) -> str:
    """The iframe a partner pastes into their page: titled, labelled, lazily loaded, in the partner's language."""
    params = {"embed": "true", "embed_options": "dark_theme" if dark else "light_theme"}
    params.update(params_for(quartier=quartier, service=service))
    if lang != SOURCE:
        params["lang"] = lang
    title = "Carte de la médiation" + (f" — {quartier_nom}" if quartier_nom else "")
    url = f"{base_url.rstrip('/')}/?{urlencode(params)}"
    return (f'<iframe src="{url}" title="{_attr(title)}" aria-label="{_attr(title + " : qui contacter, avec les numéros")}" '
            f'loading="lazy" width="100%" height="{int(height)}" style="border:0"></iframe>')


def _attr(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


#: /gerer's own parameters: what a message's link opens (a report, a proposal, a listing, the e-mail settings).
MANAGE_PARAMS = ("signalement", "proposition", "fiche", "reglages")


def manage_link(base: str, **params: str | int) -> str:
    """The /gerer address that handles one thing, from the service's public address."""
    if unknown := set(params) - set(MANAGE_PARAMS):
        raise ValueError(f"paramètres de /gerer inconnus : {sorted(unknown)}")
    query = urlencode({k: str(v) for k, v in params.items()})
    return f"{base}/gerer" + (f"?{query}" if query else "")


def problem_link(base: str, problem_id: int) -> str:
    """The public page that follows one GUP problem report (no identity on it)."""
    return f"{base}/simple/probleme/{problem_id}"
