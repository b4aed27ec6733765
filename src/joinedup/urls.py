from django.urls import include, path

from joinedup.api import api
from joinedup.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("joinedup.accounts.urls")),
    path("children/", include("joinedup.cases.urls")),
    path("audit/", include("joinedup.audit.urls")),
    path("directory/", include("joinedup.directory.urls")),
    path("find-support/", include("joinedup.directory.public_urls")),
    path("manage/", include("joinedup.accounts.manage_urls")),
    path("api/oruk/", include("joinedup.directory.oruk_urls")),
    path("api/", api.urls),
    path("", include("joinedup.core.urls")),
]
