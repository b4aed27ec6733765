from django.urls import path

from joinedup.cases import partner_views

app_name = "partner"

urlpatterns = [
    path("", partner_views.referrals, name="referrals"),
    path("referrals/<int:pk>/", partner_views.referral, name="referral"),
    path("referrals/<int:pk>/move/", partner_views.referral_move, name="referral_move"),
    path("referrals/<int:pk>/sessions/", partner_views.session_new, name="session_new"),
]
