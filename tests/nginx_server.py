"""Debian's nginx with the shipped template (deploy/nginx.conf.template), started by the tests on 127.0.0.1.

The template is rendered by the real `envsubst`, as the README says, and included in a small main configuration
of the test's own (pid, logs and temporary files in a temporary folder), as Debian's nginx.conf includes conf.d/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo import config
from tests.real_parts import missing
from tests.servers import free_port, wait_until

TEMPLATE = config.PROJECT_ROOT / "deploy" / "nginx.conf.template"
NGINX = Path("/usr/sbin/nginx")


def render(listen: str, upstreams: list[str]) -> str:
    """The template for `listen` and the first upstream; each further process gets its own `server` line in the
    upstream block, as the README tells an operator to add it."""
    rendered = subprocess.run(["envsubst", "${LISTEN} ${UPSTREAM}"], input=TEMPLATE.read_text(encoding="utf-8"),
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "LISTEN": listen, "UPSTREAM": upstreams[0]}).stdout
    first = f"    server {upstreams[0]};\n"
    return rendered.replace(first, first + "".join(f"    server {u};\n" for u in upstreams[1:]), 1)


def main_config(folder: Path, site: Path) -> str:
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(mode=0o777)
        (folder / name).chmod(0o777)  # nginx's workers (another user under root) write their buffers there
    return f"""pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""


@contextmanager
def running_nginx(upstreams: list[str], *, port: int | None = None) -> Iterator[str]:
    """nginx in front of `upstreams` (host:port of `geo serve`), on a free port of 127.0.0.1; its URL."""
    if not NGINX.exists() or shutil.which("envsubst") is None:
        missing("nginx absent : installez les paquets Debian « nginx » et « gettext-base » (.ci/run le fait)")
    port = port or free_port()
    folder = Path(tempfile.mkdtemp(prefix="gup-nginx-"))
    folder.chmod(0o755)
    try:
        site = folder / "carte-mediation.conf"
        site.write_text(render(f"127.0.0.1:{port}", upstreams), encoding="utf-8")
        main = folder / "nginx.conf"
        main.write_text(main_config(folder, site), encoding="utf-8")
        checked = subprocess.run([str(NGINX), "-t", "-q", "-c", str(main)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        with tempfile.TemporaryFile() as log:
            server = subprocess.Popen([str(NGINX), "-c", str(main), "-g", "daemon off;"], stdout=log,
                                      stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            try:
                wait_until(lambda: urllib.request.urlopen(f"{url}/healthz", timeout=2).status == 200, "nginx",
                           process=server, log=log)
                yield url
            finally:
                server.terminate()
                server.wait(timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
