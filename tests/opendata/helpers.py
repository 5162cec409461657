from pathlib import Path

from django.conf import settings as django_settings


def use_home_with_indicators(settings, tmp_path):
    """Serve the core home page with the lead's merge edit applied (see the report):
    `{% block indicators %}{% load opendata %}{% home_indicators %}{% endblock %}`."""
    source = Path(django_settings.BASE_DIR) / "templates" / "openlima" / "home.html"
    text = source.read_text()
    if "{% home_indicators %}" in text:  # the edit is merged: serve the real page
        return
    assert "{% block indicators %}{% endblock %}" in text
    text = text.replace(
        "{% block indicators %}{% endblock %}",
        "{% block indicators %}{% load opendata %}{% home_indicators %}{% endblock %}",
    )
    (tmp_path / "tpl" / "openlima").mkdir(parents=True)
    (tmp_path / "tpl" / "openlima" / "home.html").write_text(text)
    templates = [dict(t) for t in settings.TEMPLATES]
    templates[0]["DIRS"] = [tmp_path / "tpl", *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
