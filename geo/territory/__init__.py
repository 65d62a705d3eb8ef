"""The pure lookup core: what a quartier, a structure and a service are, and where a point falls.

No file, no database, no network: every other package builds on it (MapIt's one lookup core)."""
