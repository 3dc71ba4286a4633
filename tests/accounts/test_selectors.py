"""The org tree as the page draws it: depth-first, siblings by code, nesting closed."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from jiandu.accounts import selectors, services
from jiandu.accounts.models import OrgUnit


@pytest.fixture
def tree(make_user: Any) -> dict[str, OrgUnit]:
    office = make_user("tree-office", role="office")
    units: dict[str, OrgUnit] = {}
    # created out of code order, so that primary keys and codes disagree
    for code, parent in [("B", None), ("A", None), ("B-2", "B"), ("B-1", "B"), ("B-1-a", "B-1")]:
        units[code] = services.create_org_unit(
            actor=office,
            code=code,
            name_zh=f"单位{code}",
            kind="enterprise",
            parent=units.get(parent) if parent else None,
        )
    return units


@pytest.mark.django_db
def test_tree_is_depth_first_with_siblings_by_code(make_user: Any, tree: Any) -> None:
    viewer = make_user("tree-viewer", role="analyst")
    nodes = selectors.org_tree(viewer)
    assert [(n.unit.code, n.level) for n in nodes] == [
        ("A", 0),
        ("B", 0),
        ("B-1", 1),
        ("B-1-a", 2),
        ("B-2", 1),
    ]
    assert [n.has_children for n in nodes] == [False, True, True, False, False]
    # every opened level is closed once: after B-1-a two levels end (B-1's list), after
    # B-2 the last open list (B's) ends
    assert [len(n.closes) for n in nodes] == [0, 0, 0, 1, 1]


@pytest.mark.django_db
def test_a_scoped_tree_starts_at_the_scope(make_user: Any, tree: Any) -> None:
    viewer = make_user("tree-unit", role="unit_leader", org=tree["B-1"])
    nodes = selectors.org_tree(viewer)
    assert [(n.unit.code, n.level) for n in nodes] == [("B-1", 0), ("B-1-a", 1)]
    assert [len(n.closes) for n in nodes] == [0, 1]


class _Nesting(HTMLParser):
    """Records, for each link in the tree, the codes of the units whose lists enclose it."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names
        self.stack: list[str] = []
        self.last_link = ""
        self.parents: dict[str, list[str]] = {}
        self.in_link = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in {"ul", "li", "details"}:
            self.stack.append(tag if tag != "ul" else f"ul:{self.last_link}")
        self.in_link = tag == "a"

    def handle_endtag(self, tag: str) -> None:
        if tag in {"ul", "li", "details"}:
            opened = self.stack.pop()
            assert opened.split(":")[0] == tag, f"</{tag}> closes <{opened}>"
        self.in_link = False

    def handle_data(self, data: str) -> None:
        if self.in_link and data.strip() in self.names:
            code = self.names[data.strip()]
            self.last_link = code
            self.parents[code] = [e[3:] for e in self.stack if e.startswith("ul:") and e[3:]]


@pytest.mark.django_db
def test_the_page_nests_lists_correctly(make_user: Any, tree: Any, client: Any) -> None:
    client.force_login(make_user("tree-page", role="analyst"))
    html = client.get("/org/").content.decode()
    start = html.index('<ul class="jd-tree" id="org-tree">')
    parser = _Nesting({u.name_zh: code for code, u in tree.items()})
    parser.feed(html[start:])
    assert parser.parents == {
        "A": [],
        "B": [],
        "B-1": ["B"],
        "B-1-a": ["B", "B-1"],
        "B-2": ["B"],
    }
