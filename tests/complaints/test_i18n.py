import pytest


@pytest.mark.django_db
def test_en(client):
    html = client.get("/en/denuncias/nueva/").content.decode()
    assert "What happened?" in html and "Write the result in digits" in html, html[:500]
    html = client.get("/en/denuncias/").content.decode()
    assert "File a complaint" in html
