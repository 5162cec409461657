"""Issue 18 / 14: the information app's services and selectors are packages with the
same public names, and no module of the app is longer than 600 lines."""

from pathlib import Path

import information

APP = Path(information.__file__).parent

PUBLIC = {
    "services": [
        "request_file",
        "request_assign",
        "extension_limits",
        "request_extend",
        "request_answer",
        "request_deny",
        "parse_cost",
        "request_deliver",
        "message_post",
        "document_add",
        "document_redact",
        "document_publish",
        "document_unpublish",
        "document_promote",
        "deadlines_process",
        "notify",
        "erase_personal_data",
    ],
    "selectors": [
        "DATASET_KEY",
        "DOCUMENT_KINDS",
        "user_can_file",
        "user_is_officer",
        "user_can_work_on",
        "access_request_public",
        "deadline_info",
        "public_request_list",
        "site_search",
        "suggestions",
        "statistics_rows",
        "statistics_summary",
        "statistics_dataset",
        "officer_emails",
        "personal_data",
        "api_requests",
    ],
}


def test_no_module_of_the_app_is_longer_than_600_lines():
    long = {
        str(p.relative_to(APP)): n
        for p in APP.rglob("*.py")
        if "migrations" not in p.parts
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def test_services_and_selectors_keep_their_public_names():
    from information import selectors, services

    for module, names in (("services", services), ("selectors", selectors)):
        missing = [n for n in PUBLIC[module] if not hasattr(names, n)]
        assert missing == [], module
    assert (APP / "services").is_dir() and (APP / "selectors").is_dir()
