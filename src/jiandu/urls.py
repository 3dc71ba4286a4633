from django.urls import include, path
from django.views.i18n import set_language

from jiandu.accounts import auth_views
from jiandu.accounts import views as accounts
from jiandu.api.api import api
from jiandu.audit import views as audit
from jiandu.core import views as core

urlpatterns = [
    path("", accounts.home, name="home"),
    path("healthz", core.health, name="health"),
    # sign-in
    path("accounts/login/", auth_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.sign_out, name="logout"),
    path("accounts/otp/", auth_views.second_factor, name="otp"),
    path("me/", auth_views.me, name="me"),
    path("me/tokens/<int:pk>/revoke/", auth_views.token_revoke, name="token_revoke"),
    # org units and people
    path("org/", accounts.org_tree, name="org_tree"),
    path("org/new/", accounts.org_create, name="org_create"),
    path("org/<int:pk>/", accounts.org_detail, name="org_detail"),
    path("org/<int:pk>/edit/", accounts.org_edit, name="org_edit"),
    path("people/", accounts.people, name="people"),
    path("people/new/", accounts.person_create, name="person_create"),
    path("people/<int:pk>/", accounts.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", accounts.person_edit, name="person_edit"),
    path("people/<int:pk>/posts/new/", accounts.post_create, name="post_create"),
    path("posts/<int:pk>/end/", accounts.post_end, name="post_end"),
    # administration of accounts and roles
    path("manage/users/", accounts.users, name="users"),
    path("manage/users/new/", accounts.user_create, name="user_create"),
    path("manage/users/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("manage/users/<int:pk>/edit/", accounts.user_edit, name="user_edit"),
    path("manage/users/<int:pk>/password/", accounts.user_password, name="user_password"),
    path("manage/users/<int:pk>/unlock/", accounts.user_unlock, name="user_unlock"),
    path("manage/users/<int:pk>/assign/", accounts.user_assign, name="user_assign"),
    path(
        "manage/assignments/<int:pk>/revoke/", accounts.assignment_revoke, name="assignment_revoke"
    ),
    path("manage/roles/", accounts.roles, name="roles"),
    path("manage/roles/<int:pk>/", accounts.role_edit, name="role_edit"),
    # inspection rounds
    path("inspections/", include("jiandu.inspections.urls")),
    # the clue ledger
    path("clues/", include("jiandu.clues.urls")),
    path("rectification/", include("jiandu.rectification.urls")),
    # data-driven supervision: runs, the model catalogue, the triage queue
    path("supervision/", include("jiandu.supervision.urls")),
    # audit trail
    path("audit/", audit.event_list, name="audit_events"),
    path("audit/<int:seq>/", audit.event_detail, name="audit_event"),
    path("audit/verify/", audit.verify, name="audit_verify"),
    # the warehouse of registers
    path("warehouse/", include("jiandu.registers_ui.urls")),
    # language, API
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
]
