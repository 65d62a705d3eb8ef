"""The README's architecture section lists every module of the house in its room, and nothing else."""

from __future__ import annotations

import re

from geo import config

ROOT = config.PROJECT_ROOT


def architecture_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]


def test_the_architecture_section_lists_every_module_of_the_tree():
    listed = set(re.findall(r"`((?:geo|web|views)/[\w/]+\.(?:py|css)|app\.py)`", architecture_section()))
    tree = {str(p.relative_to(ROOT)) for folder in ("geo", "web", "views") for p in (ROOT / folder).rglob("*")
            if p.suffix in (".py", ".css") and "__pycache__" not in p.parts
            and (p.name != "__init__.py" or p.parent.name in ("geo", "geocode"))} | {"app.py"}
    assert sorted(tree - listed) == [], "absents du README"
    assert sorted(listed - tree) == [], "dans le README mais pas dans l'arborescence"


def test_each_room_of_the_core_lists_only_its_own_modules():
    bullets = {b.split("`")[1]: b for b in architecture_section().split("\n- ")[1:] if b.startswith("**`geo/")}
    assert set(bullets) == {"geo/domain/", "geo/io/", "geo/render/", "geo/faces/"}
    for room, bullet in bullets.items():
        modules = re.findall(r"`(geo/[\w/]+\.py)`", bullet)
        assert modules and all(m.startswith(room) for m in modules), (room, modules)
