"""core.paths.path_for gives what reverse() gives, for every route of the project that takes
one id, under the site's root and under a sub-path."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, get_resolver, reverse, set_script_prefix

from medhome.core.paths import path_for


def one_id_routes() -> list[str]:
    resolver = get_resolver()
    names = [n for n in resolver.reverse_dict if isinstance(n, str)]
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        names += [f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)]
    found = []
    for name in names:
        try:
            reverse(name, args=[uuid.uuid4()])
        except NoReverseMatch:
            continue
        found.append(name)
    return found


ROUTES = one_id_routes()


def test_the_project_has_one_id_routes_to_check():
    assert {"families:chart", "visits:mark", "screening:send"} <= set(ROUTES)


@pytest.mark.parametrize("prefix", ["/", "/medhome/"])
def test_every_one_id_route_gives_what_reverse_gives(prefix):
    set_script_prefix(prefix)
    try:
        for name in ROUTES:
            pk = uuid.uuid4()
            assert path_for(name, pk) == reverse(name, args=[pk]), name
            assert path_for(name, pk).startswith(prefix)
    finally:
        set_script_prefix("/")


def test_an_id_that_is_not_a_uuid_is_reversed_as_django_does():
    assert path_for("families:chart", str(uuid.UUID(int=5))) == reverse(
        "families:chart", args=[str(uuid.UUID(int=5))]
    )
    with pytest.raises(NoReverseMatch):
        path_for("families:chart", "not-an-id")


def test_a_route_without_an_id_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        path_for("screening:today", uuid.uuid4())


def test_the_template_tag():
    pk = uuid.uuid4()
    rendered = Template('{% load medhome %}{% path "families:chart" pk %}').render(
        Context({"pk": pk})
    )
    assert rendered == reverse("families:chart", args=[pk])
