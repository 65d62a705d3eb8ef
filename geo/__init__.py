"""Carte de la médiation (GUP Carcassonne): the core, importable without Streamlit.

Floors: `config`, `errors`, `i18n` at the top; `domain/` (the model and its rules, pure), `io/` (files,
sources, geocoders), `render/` (what people read), `faces/` (command line and API). The public interface is the
command line, the API, Open311 and the settings: modules may move between rooms.
"""
