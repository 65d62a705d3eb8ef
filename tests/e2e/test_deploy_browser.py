"""The deployment as the README describes it, for real: Debian's nginx rendered from deploy/nginx.conf.template in
front of two `python -m geo serve` processes on one PostgreSQL, sign-in with a real OpenID Connect provider.

Clients bind distinct loopback addresses (127.0.0.2, 127.0.0.3: all of 127.0.0.0/8 is this machine), as distinct
residents would come from distinct addresses.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import time
import tomllib
import urllib.request

import pytest
import requests

from geo import config
from geo.formats.batch import MAX_UPLOAD_BYTES
from tests.conftest import copy_data_dir
from tests.e2e.conftest import TUESDAY_EVENING, open_phone, screenshot
from tests.e2e.test_manage_browser import SHOWS_WITHIN, choose, saved, sign_in, sign_out
from tests.nginx_server import TEMPLATE, running_nginx
from tests.oidc_server import running_provider, verified, write_auth_secrets
from tests.servers import free_port, post_from, running_service

pytestmark = pytest.mark.browser
ADMIN = "coordination@agglo.example"
REPORT = {"structure": "evs-bastide", "motif": "numero_faux", "texte": "", "quartier": "QP011004"}
MAX_SAVY = "Centre social Max Savy"
NEW_PHONE = "04 68 71 14 99"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory, postgres):
    """nginx's URL and the two processes' own URLs behind it."""
    folder = tmp_path_factory.mktemp("heberge")
    data = copy_data_dir(folder / "data")
    database = postgres.new_database()
    common = {"GUP_DATA_DIR": str(data), "GUP_DATABASE_URL": database, "GUP_TRUSTED_PROXIES": "127.0.0.1",
              "GUP_NOW": TUESDAY_EVENING}
    subprocess.run([sys.executable, "-m", "geo", "add-editor", ADMIN, "--admin", "--by", "installation"],
                   cwd=config.PROJECT_ROOT, check=True, env={**os.environ, **common}, capture_output=True)
    nginx_port = free_port()
    with running_provider(verified(ADMIN)) as issuer:
        secrets = write_auth_secrets(folder / "secrets.toml", public_url=f"http://127.0.0.1:{nginx_port}",
                                     issuer=issuer)
        env = {**common, "GUP_SECRETS_FILE": str(secrets)}
        with running_service(**env) as first, running_service(**env) as second, \
                running_nginx([first.removeprefix("http://"), second.removeprefix("http://")],
                              port=nginx_port) as proxy:
            yield proxy, (first, second)


def test_the_light_page_and_the_api_answer_through_the_proxy_compressed_and_with_security_headers(hosted):
    proxy, _ = hosted
    request = urllib.request.Request(f"{proxy}/simple?quartier=QP011006", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        headers, body = response.headers, response.read()
    assert headers["Content-Encoding"] == "gzip" and "Grazailles" in gzip.decompress(body).decode("utf-8")
    assert headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")  # the light page's own, kept
    assert "nginx/" not in (headers["Server"] or "")
    located = requests.get(f"{proxy}/v1/locate", params={"lon": 2.35664, "lat": 43.22668}, timeout=30)
    assert located.json()["quartier"]["code"] == "QP011006"
    assert requests.get(f"{proxy}/healthz", timeout=30).json()["statut"] == "ok"


def test_a_spoofed_forwarded_for_is_replaced_and_each_address_has_its_own_limit(hosted):
    """nginx writes the peer's address over the client's header, and pins an address to one of the two processes
    (each counts in its own memory: without the pin, the sixth report would reach the other one and pass)."""
    proxy, _ = hosted
    answers = [post_from("127.0.0.2", f"{proxy}/simple/signaler", REPORT, {"X-Forwarded-For": f"198.51.100.{n}"})
               for n in range(6)]
    assert [status for status, _ in answers] == [200] * 5 + [429]
    assert post_from("127.0.0.3", f"{proxy}/simple/signaler", REPORT)[0] == 200


def test_the_template_takes_the_upload_limit_and_only_its_two_variables():
    template = TEMPLATE.read_text(encoding="utf-8")
    assert set(re.findall(r"\$\{(\w+)\}", template)) == {"LISTEN", "UPSTREAM"}
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", template).group(1))
    assert MAX_UPLOAD_BYTES < megabytes * 1024 * 1024 <= MAX_UPLOAD_BYTES + 2 * 1024 * 1024
    streamlit = tomllib.loads((config.PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert streamlit["server"]["maxUploadSize"] == megabytes  # the page refuses in the browser what nginx would
    assert "# listen 443 ssl" in template  # the TLS block, commented


def test_residents_and_editors_go_through_the_proxy_and_two_processes_share_one_directory(browser, hosted):
    """The resident page's websocket through nginx; sign-in through nginx (the provider returns to the proxy's
    address); an edit made through the proxy's process shows on pages open on both processes within seconds."""
    proxy, processes = hosted
    context, resident = open_phone(browser, f"{proxy}/?quartier=QP011006")
    resident.locator("div.gup-structure", has_text=MAX_SAVY).first.wait_for(timeout=60_000)  # the websocket ran
    screenshot(resident, "heberge-nginx-habitant")
    direct = [open_phone(browser, f"{url}/?quartier=QP011006") for url in processes]
    admin_context, admin = sign_in(browser, proxy, ADMIN)
    choose(admin, admin.get_by_test_id("stSelectbox").filter(has_text="Fiche à gérer"), MAX_SAVY)
    contact = admin.get_by_test_id("stForm").filter(has_text="Téléphone")  # the admin's page has other forms
    contact.get_by_label("Téléphone").fill(NEW_PHONE)
    contact.get_by_label("Source de l'information (obligatoire)").fill("appel du 4 décembre")
    contact.get_by_role("button", name="Enregistrer", exact=True).click()
    saved(admin, "Fiche enregistrée")
    start = time.monotonic()
    for _, page in direct:
        page.get_by_role("link", name=f"Appeler {MAX_SAVY}, {NEW_PHONE}").wait_for(timeout=30_000)
    assert time.monotonic() - start < SHOWS_WITHIN
    screenshot(direct[1][1], "heberge-second-processus-voit-la-modification")
    sign_out(admin, proxy)
    for page in (resident, admin, *(p for _, p in direct)):
        assert page.errors == []
    for opened in (context, admin_context, *(c for c, _ in direct)):
        opened.close()
