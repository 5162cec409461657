"""Non-localised machine endpoints: OCDS and OC4IDS packages and bulk files."""

from django.urls import path

from . import apis

urlpatterns = [
    path("api/ocds/releases/", apis.releases, name="ocds_releases"),
    path("api/ocds/records/", apis.records, name="ocds_records"),
    path("api/ocds/records/<str:ocid>", apis.record, name="ocds_record"),
    path("api/ocds/bulk/releases.json", apis.bulk_json, name="ocds_bulk_json"),
    path("api/ocds/bulk/releases.jsonl", apis.bulk_jsonl, name="ocds_bulk_jsonl"),
    path("api/ocds/bulk/processes.csv", apis.bulk_csv, name="ocds_bulk_csv"),
    path("api/oc4ids/projects/", apis.projects, name="oc4ids_projects"),
    # Uploaded documents and progress photos: one language-neutral URL each, the one
    # the OCDS/OC4IDS output gives (docs/contracting.md, "Documents and photos").
    path(
        "contrataciones/archivos/documentos/<int:pk>/<str:name>",
        apis.document_file,
        name="contracting_document",
    ),
    path(
        "obras/archivos/fotos/<int:pk>/<str:name>",
        apis.report_photo,
        name="contracting_photo",
    ),
]
