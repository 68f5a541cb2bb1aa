"""Users and groups in the back office: a staff user sees their companies' users only, and cannot grant
more than they hold (superuser status, permissions, groups, companies) nor take over a stronger user."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from sellersync.core.models import Company, CompanyMembership
from tests.core.fixtures import make_member

pytestmark = pytest.mark.django_db

USERS = ["auth.view_user", "auth.change_user"]


def permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_form(user: Any, memberships: list[int] | None = None, **changes: Any) -> dict[str, Any]:
    """What the change form of `user` posts back unchanged, with `changes` (and the companies inline when
    `memberships` is given: the companies of new rows)."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "groups": [group.pk for group in user.groups.all()],
        "user_permissions": [held.pk for held in user.user_permissions.all()],
    }
    if memberships is not None:
        data.update(
            {
                "company_memberships-TOTAL_FORMS": str(len(memberships)),
                "company_memberships-INITIAL_FORMS": "0",
                **{f"company_memberships-{index}-company": pk for index, pk in enumerate(memberships)},
            }
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def change_url(user: Any) -> str:
    return reverse("admin:auth_user_change", args=(user.pk,))


def test_a_staff_user_holding_change_user_cannot_make_themselves_superuser(company: Company) -> None:
    # given
    manager = make_member("manager", [company], USERS)

    # when
    response = logged_in(manager).post(change_url(manager), user_form(manager, is_superuser="on"))

    # then the rest of the form is saved, the superuser status is not
    manager.refresh_from_db()
    assert response.status_code == 302
    assert manager.is_superuser is False


def test_the_user_list_and_change_views_show_only_users_of_ones_companies(
    company: Company, other_company: Company
) -> None:
    # given a user of each company and a colleague of the first
    manager = make_member("manager", [company], USERS)
    colleague = make_member("colleague", [company], [])
    stranger = make_member("stranger", [other_company], [])
    client = logged_in(manager)

    # when
    listing = client.get(reverse("admin:auth_user_changelist"))
    foreign = client.get(change_url(stranger))
    foreign_password = client.get(reverse("admin:auth_user_password_change", args=(stranger.pk,)))

    # then
    shown = {user.username for user in listing.context["cl"].result_list}
    assert shown == {"manager", "colleague"}
    assert foreign.status_code == 404
    assert foreign_password.status_code == 404
    assert client.get(change_url(colleague)).status_code == 200


def test_a_permission_one_does_not_hold_cannot_be_granted(company: Company) -> None:
    # given a manager who may view partners, not delete them
    manager = make_member("manager", [company], [*USERS, "core.view_partner"])
    colleague = make_member("colleague", [company], [])
    client = logged_in(manager)

    # when
    refused = client.post(
        change_url(colleague), user_form(colleague, user_permissions=[permission("core.delete_partner").pk])
    )
    granted = client.post(
        change_url(colleague), user_form(colleague, user_permissions=[permission("core.view_partner").pk])
    )

    # then
    assert refused.status_code == 200
    assert "user_permissions" in refused.context["adminform"].form.errors
    assert granted.status_code == 302
    assert set(colleague.user_permissions.values_list("codename", flat=True)) == {"view_partner"}


def test_a_group_with_a_permission_one_does_not_hold_cannot_be_given(company: Company) -> None:
    # given a group that may delete partners, and one that may only view them
    manager = make_member("manager", [company], [*USERS, "core.view_partner"])
    colleague = make_member("colleague", [company], [])
    deleters = Group.objects.create(name="Deleters")
    deleters.permissions.add(permission("core.view_partner"), permission("core.delete_partner"))
    viewers = Group.objects.create(name="Viewers")
    viewers.permissions.add(permission("core.view_partner"))
    client = logged_in(manager)

    # when
    refused = client.post(change_url(colleague), user_form(colleague, groups=[deleters.pk]))
    given = client.post(change_url(colleague), user_form(colleague, groups=[viewers.pk]))

    # then
    assert "groups" in refused.context["adminform"].form.errors
    assert given.status_code == 302
    assert list(colleague.groups.all()) == [viewers]


@pytest.mark.parametrize("_case", ["a superuser", "a user holding more", "a user of another company too"])
def test_a_stronger_user_cannot_be_changed_nor_given_a_new_password(
    _case: str, company: Company, other_company: Company
) -> None:
    # given a colleague stronger than the manager in one way
    manager = make_member("manager", [company], USERS)
    colleague = make_member("colleague", [company], [])
    if _case == "a superuser":
        get_user_model().objects.filter(pk=colleague.pk).update(is_superuser=True)
    elif _case == "a user holding more":
        colleague.user_permissions.add(permission("core.delete_partner"))
    else:
        CompanyMembership.objects.create(user=colleague, company=other_company)
    colleague.refresh_from_db()
    client = logged_in(manager)
    password_url = reverse("admin:auth_user_password_change", args=(colleague.pk,))

    # when
    changed = client.post(change_url(colleague), user_form(colleague, email="taken@evil.example"))
    new_password = client.post(
        password_url, {"password1": "Tak3n-0ver!", "password2": "Tak3n-0ver!", "usable_password": "true"}
    )

    # then
    colleague.refresh_from_db()
    assert (changed.status_code, new_password.status_code) == (403, 403)
    assert colleague.email == "colleague@example.com"
    assert colleague.check_password("pw")
    assert client.get(change_url(colleague)).status_code == 200  # still visible, read-only


def test_companies_offered_and_accepted_are_ones_own(company: Company, other_company: Company) -> None:
    # given a manager who may also manage memberships
    membership_permissions = [f"core.{action}_companymembership" for action in ("view", "add", "change")]
    manager = make_member("manager", [company], [*USERS, *membership_permissions])
    colleague = make_member("colleague", [company], [])
    client = logged_in(manager)

    # when
    form = client.get(change_url(colleague))
    forged = client.post(change_url(colleague), user_form(colleague, memberships=[other_company.pk]))

    # then
    inline = form.context["inline_admin_formsets"][0].formset
    assert list(inline.empty_form.fields["company"].queryset) == [company]
    assert forged.status_code == 200
    assert not CompanyMembership.objects.filter(user=colleague, company=other_company).exists()


def test_a_user_created_by_a_member_joins_their_companies(company: Company) -> None:
    # given
    manager = make_member("manager", [company], [*USERS, "auth.add_user"])
    client = logged_in(manager)

    # when
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "N3w-c0mer!",
            "password2": "N3w-c0mer!",
        },
    )

    # then
    newcomer = get_user_model().objects.get(username="newcomer")
    assert response.status_code == 302
    assert list(CompanyMembership.objects.filter(user=newcomer).values_list("company", flat=True)) == [
        company.pk
    ]
    assert client.get(change_url(newcomer)).status_code == 200


def test_a_group_gets_only_permissions_its_editor_holds(company: Company) -> None:
    # given a manager of groups who may view partners, and a group that may delete them
    groups = [f"auth.{action}_group" for action in ("view", "add", "change")]
    manager = make_member("manager", [company], [*groups, "core.view_partner"])
    deleters = Group.objects.create(name="Deleters")
    deleters.permissions.add(permission("core.delete_partner"))
    client = logged_in(manager)
    add_url = reverse("admin:auth_group_add")

    # when
    refused = client.post(add_url, {"name": "Sneaky", "permissions": [permission("core.delete_partner").pk]})
    created = client.post(add_url, {"name": "Viewers", "permissions": [permission("core.view_partner").pk]})
    stronger = client.post(
        reverse("admin:auth_group_change", args=(deleters.pk,)),
        {"name": "Deleters", "permissions": [permission("core.view_partner").pk]},
    )

    # then
    assert "permissions" in refused.context["adminform"].form.errors
    assert not Group.objects.filter(name="Sneaky").exists()
    assert created.status_code == 302
    assert list(Group.objects.get(name="Viewers").permissions.values_list("codename", flat=True)) == [
        "view_partner"
    ]
    assert stronger.status_code == 403
    assert list(deleters.permissions.values_list("codename", flat=True)) == ["delete_partner"]


def test_a_superuser_keeps_every_power(company: Company, other_company: Company) -> None:
    # given
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    stranger = make_member("stranger", [other_company], [])
    client = logged_in(root)

    # when
    response = client.post(
        change_url(stranger),
        user_form(stranger, [], is_superuser="on", user_permissions=[permission("core.delete_partner").pk]),
    )

    # then
    stranger.refresh_from_db()
    assert response.status_code == 302
    assert stranger.is_superuser is True
    assert stranger.user_permissions.count() == 1


def test_the_user_autocomplete_of_memberships_offers_ones_companies_users(
    company: Company, other_company: Company
) -> None:
    # given
    manager = make_member("manager", [company], [*USERS, "core.view_companymembership"])
    make_member("colleague", [company], [])
    make_member("stranger", [other_company], [])
    query = {"app_label": "core", "model_name": "companymembership", "field_name": "user", "term": ""}

    # when
    response = logged_in(manager).get(reverse("admin:autocomplete"), query)

    # then
    assert {result["text"] for result in response.json()["results"]} == {"manager", "colleague"}
