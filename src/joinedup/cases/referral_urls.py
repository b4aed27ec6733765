from django.urls import path

from joinedup.cases import referral_views

urlpatterns = [
    path("<int:pk>/referrals/new/<str:service_id>/", referral_views.referral_new, name="referral_new"),
    path("<int:pk>/referrals/<int:referral_pk>/", referral_views.referral_detail, name="referral"),
    path("<int:pk>/referrals/<int:referral_pk>/move/", referral_views.referral_move, name="referral_move"),
    path("<int:pk>/referrals/<int:referral_pk>/edit/", referral_views.referral_edit, name="referral_edit"),
]
