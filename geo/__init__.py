"""Carte de la médiation (GUP Carcassonne): the core, importable without Streamlit."""
