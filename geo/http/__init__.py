"""The HTTP faces: the JSON API (/v1), the light page (/simple), Open311 and the one-process server."""
