from django.urls import path

from joinedup.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("single-sign-on/", views.single_sign_on, name="single_sign_on"),
    path("single-sign-on/return/", views.single_sign_on_return, name="single_sign_on_return"),
    path("two-factor/", views.sign_in_code, name="sign_in_code"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("acting-as/", views.acting_as, name="acting_as"),
    path("your-account/", views.account, name="account"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/set/<str:uidb64>/<str:token>/", views.password_set, name="password_set"),
]
