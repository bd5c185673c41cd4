"""Browsers ask for /favicon.ico on every page: they get the portal's mark, cheaply."""

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import SiteConfiguration


@pytest.mark.django_db
def test_favicon_ico_is_the_portals_mark_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_every_page_links_the_mark_as_its_icon(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in html
    assert '<link rel="icon" href="/static/img/logo.svg" type="image/svg+xml">' in html
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in html
    for path in ("img/logo.svg", "img/apple-touch-icon.png"):
        assert finders.find(path), path


@pytest.mark.django_db
def test_a_countys_own_logo_becomes_the_icon(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    config = SiteConfiguration.objects.get(id=1)
    config.logo = SimpleUploadedFile("wappen.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    config.save()
    html = client.get("/").content.decode()
    assert f'<link rel="icon" href="{config.logo.url}">' in html
    assert "/static/img/logo.svg" not in html.split("</head>")[0]
