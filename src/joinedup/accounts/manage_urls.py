from django.urls import path

from joinedup.accounts import manage_views

app_name = "manage"

urlpatterns = [
    path("", manage_views.home, name="home"),
    path("organisations/", manage_views.organisations, name="organisations"),
    path("organisations/<int:pk>/two-factor/", manage_views.organisation_two_factor, name="organisation_two_factor"),
    path(
        "organisations/<int:pk>/single-sign-on/",
        manage_views.organisation_single_sign_on,
        name="organisation_single_sign_on",
    ),
    path(
        "organisations/<int:pk>/single-sign-on/check/",
        manage_views.organisation_single_sign_on_check,
        name="organisation_single_sign_on_check",
    ),
    path("people/", manage_views.people, name="people"),
    path("people/add/", manage_views.person_add, name="person_add"),
    path("people/<int:pk>/unlock/", manage_views.person_unlock, name="person_unlock"),
    path("people/<int:pk>/two-factor-reset/", manage_views.person_two_factor_reset, name="person_two_factor_reset"),
    path("roles/<int:pk>/end/", manage_views.membership_end, name="membership_end"),
    path("api-tokens/", manage_views.api_tokens, name="api_tokens"),
    path("api-tokens/add/", manage_views.api_token_add, name="api_token_add"),
    path("api-tokens/<int:pk>/revoke/", manage_views.api_token_revoke, name="api_token_revoke"),
]
