from django.urls import include, path

from joinedup.api import api
from joinedup.core import views as core_views
from joinedup.identification import views as identification_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("joinedup.accounts.urls")),
    path("children/", include("joinedup.cases.urls")),
    path("partner/", include("joinedup.cases.partner_urls")),
    path("audit/", include("joinedup.audit.urls")),
    path("directory/", include("joinedup.directory.urls")),
    path("find-support/", include("joinedup.directory.public_urls")),
    path("identification/", include("joinedup.identification.urls")),
    path("sharing/", include("joinedup.sharing.urls")),
    path("joint/", include("joinedup.joint.urls")),
    path("notifications/", include("joinedup.notifications.urls")),
    path("partnership/", include("joinedup.partnership.urls")),
    path("safeguarding/", include("joinedup.safeguarding.urls")),
    path("outcomes/", include("joinedup.outcomes.urls")),
    path("privacy/", include("joinedup.privacy.urls")),
    path(
        "published/identification-rules/<str:ons_code>/",
        identification_views.published_rules,
        name="published_rules",
    ),
    path("manage/", include("joinedup.accounts.manage_urls")),
    path("api/oruk/", include("joinedup.directory.oruk_urls")),
    path("api/", api.urls),
    path("", include("joinedup.core.urls")),
]
