"""The official sources: reading them (local mirror or data.gouv.fr) and building the quartiers from them."""
