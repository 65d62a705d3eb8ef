"""Carte de la médiation (GUP Carcassonne): the core, importable without Streamlit.

Floors: `config`, `errors`, `i18n` at the top; `domain/` (the model and its rules, pure), `io/` (files,
sources, geocoders), `render/` (what people read), `faces/` (command line and API). Scripts written
against the flat modules of earlier versions (`geo.locate`, `geo.data`…) keep working: each old name is
an alias of the module that now holds it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

#: Old flat module → its room. `geo.data` now holds the loading; the model it re-exports lives in geo.domain.
MOVED = {
    "locate": "geo.domain.locate", "index": "geo.domain.index", "coverage": "geo.domain.coverage",
    "hours": "geo.domain.hours", "gup": "geo.domain.gup",
    "data": "geo.io.data", "sources": "geo.io.sources", "files": "geo.io.files", "batch": "geo.io.batch",
    "dask_engine": "geo.io.dask_engine", "stats": "geo.io.stats", "geocode": "geo.io.geocode",
    "present": "geo.render.present", "mapview": "geo.render.mapview", "export": "geo.render.export",
    "datainclusion": "geo.render.datainclusion", "standalone": "geo.render.standalone", "links": "geo.render.links",
    "cli": "geo.faces.cli", "api": "geo.faces.api",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`import geo.locate` gives the very module `geo.domain.locate` (one object, so patches apply to both)."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        prefix, _, rest = fullname.partition(".")
        head = rest.split(".")[0]
        if prefix != "geo" or head not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        head, _, tail = spec.name.removeprefix("geo.").partition(".")
        module = importlib.import_module(MOVED[head] + (f".{tail}" if tail else ""))
        spec.loader_state = module.__spec__  # the import machinery is about to set the alias' spec on it
        return module

    def exec_module(self, module: ModuleType) -> None:
        assert module.__spec__ is not None and module.__spec__.loader_state is not None
        module.__spec__ = module.__spec__.loader_state


sys.meta_path.insert(0, _MovedModules())  # before the path finder, which would load a second copy
