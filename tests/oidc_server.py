"""A real OpenID Connect provider on 127.0.0.1 (`oidc-provider-mock`), started and stopped by the tests.

Its users are given with their claims (a verified e-mail); Streamlit's st.login talks to it through the real
authorization-code flow, exactly as it would to ProConnect.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import free_port, wait_until


@contextmanager
def running_provider(*users: dict[str, object]) -> Iterator[str]:
    """The issuer URL of a provider knowing these users (each a dict of claims with "sub")."""
    port = free_port()
    claims = [arg for user in users for arg in ("--user-claims", json.dumps(user))]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port),
                                   *claims], stdout=log, stderr=subprocess.STDOUT)
        issuer = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2).status
                       == 200, "oidc-provider-mock", process=server, log=log)
            yield issuer
        finally:
            server.terminate()
            server.wait(timeout=20)


def verified(email: str) -> dict[str, object]:
    return {"sub": email, "email": email, "email_verified": True, "name": email.split("@")[0]}


def write_auth_secrets(path: Path, *, public_url: str, issuer: str, cookie_secret: str | None = None) -> Path:
    """The [auth] section `geo serve` signs in with, against `issuer`, for a site seen at `public_url` (the proxy's
    address when there is one); the cookie secret is drawn fresh unless the test gives one."""
    path.write_text(f'''[auth]
redirect_uri = "{public_url}/oauth2callback"
cookie_secret = "{cookie_secret or secrets.token_urlsafe(48)}"
client_id = "carte-mediation"
client_secret = "secret-client-de-test"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
''', encoding="utf-8")
    return path
