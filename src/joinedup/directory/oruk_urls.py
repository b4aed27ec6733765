"""The Open Referral UK 3.0 API, mounted at /api/oruk/ (before the Ninja API, which would otherwise claim it)."""

from django.urls import path, re_path

from joinedup.directory import oruk_api

app_name = "oruk"

urlpatterns = [
    path("", oruk_api.api_details, name="root"),
    path("openapi.json", oruk_api.openapi, name="openapi"),
    path("services", oruk_api.services, name="services"),
    path("services/<str:service_id>", oruk_api.service, name="service"),
    path("service_at_locations", oruk_api.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:service_at_location_id>", oruk_api.service_at_location, name="service_at_location"),
    path("taxonomies", oruk_api.taxonomies, name="taxonomies"),
    path("taxonomies/<str:taxonomy_id>", oruk_api.taxonomy, name="taxonomy"),
    path("taxonomy_terms", oruk_api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:taxonomy_term_id>", oruk_api.taxonomy_term, name="taxonomy_term"),
    path("organizations", oruk_api.organizations, name="organizations"),
    path("organizations/<str:organization_id>", oruk_api.organization, name="organization"),
    # Anything else under /api/oruk/ is a JSON 404 that points to the description, with the CORS header.
    re_path(r"^(?P<rest>.+)$", oruk_api.unknown, name="unknown"),
]
