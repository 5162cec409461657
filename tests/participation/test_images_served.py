"""Every image a proposal page shows is served (issue 11: proposal images answered 404
under the run command and docker-compose, where nothing serves MEDIA_URL)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from participation import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IMG = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')


def _png(color="blue"):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (24, 16), color).save(out, format="PNG")
    return out.getvalue()


def _proposal(title, **kw):
    return services.proposal_create(
        author=UserFactory(),
        title=title,
        summary="Sembrar árboles nativos",
        body="Propongo sembrar árboles.",
        topic="ambiente",
        **kw,
    )


def _fetch_every_image(client, page_url):
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    sources = IMG.findall(page.content.decode())
    for src in sources:
        response = client.get(src)
        assert response.status_code == 200, (page_url, src, response.status_code)
        assert response["Content-Type"].startswith("image/"), src
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        if "/imagen/" in src:  # the proposal's own picture (re-encoded on upload)
            from PIL import Image

            assert Image.open(io.BytesIO(body)).size == (24, 16), src
        else:
            assert body, src
    return sources


def test_every_img_on_the_proposal_list_and_pages_is_served(settings):
    from django.test import Client

    # Static images too, as whitenoise serves them after collectstatic under the run command.
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    proposals = [
        _proposal(
            f"Parque {i}",
            image=SimpleUploadedFile(f"p{i}.png", _png(), "image/png"),
            image_alt=f"Parque {i}",
        )
        for i in range(2)
    ]
    _proposal("Sin imagen")
    _fetch_every_image(client, "/participa/propuestas/")
    seen = []
    for proposal in proposals:
        for lang in ("", "/en"):
            seen += _fetch_every_image(
                client, f"{lang}/participa/propuestas/{proposal.pk}/"
            )
    shown = [src for src in seen if "/imagen/" in src]
    assert len(shown) == 4  # each proposal's image, in both languages


def test_image_url_is_cached_long_and_changes_with_the_file(client):
    proposal = _proposal(
        "Parque",
        image=SimpleUploadedFile("p.png", _png(), "image/png"),
        image_alt="Parque",
    )
    url = f"/participa/propuestas/{proposal.pk}/imagen/{proposal.image_filename}"
    response = client.get(url)
    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]
    # Another name (an old or guessed URL) is not served.
    assert client.get(url + "x").status_code == 404
    assert (
        client.get(f"/participa/propuestas/{proposal.pk}/imagen/..").status_code == 404
    )


def test_hidden_proposal_image_is_not_served(client):
    proposal = _proposal(
        "Parque",
        image=SimpleUploadedFile("p.png", _png(), "image/png"),
        image_alt="Parque",
    )
    url = f"/participa/propuestas/{proposal.pk}/imagen/{proposal.image_filename}"
    proposal.is_hidden = True
    proposal.save(update_fields=["is_hidden"])
    assert client.get(url).status_code == 404
    assert client.get("/participa/propuestas/999999/imagen/x.png").status_code == 404
