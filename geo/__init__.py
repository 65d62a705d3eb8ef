"""Carte de la médiation (GUP Carcassonne): the core, importable without Streamlit.

Packages by domain (see docs/developpement.md): `territory` (the pure lookup core), `geocode`, `db`, `render`,
`formats`, `sources`, `mail`, `directory`, `problems`, `planning`, `hosting`; the faces `http` and `cli`; at the
top `config`, `errors`, `i18n`, `limits`, `files`, and `services`, the one assembly point. The public interface is
the command line, the API, Open311 and the settings: modules may move between packages.
"""
