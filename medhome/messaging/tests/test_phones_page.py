"""The local gateway's page of the families' phones (demo only): texts by number, links live,
nothing unescaped."""

from medhome.messaging.gateways.server import phones_page


def test_each_number_shows_its_texts_newest_first_with_live_links():
    page = phones_page(
        [
            {"to": "+16175550142", "body": "P: first http://127.0.0.1:8000/f/abc/ end"},
            {"to": "+16175550142", "body": "P: second <b>"},
            {"to": "+16175550143", "body": "P: other"},
        ]
    )
    assert page.index("second") < page.index("first")
    assert '<a href="http://127.0.0.1:8000/f/abc/">http://127.0.0.1:8000/f/abc/</a>' in page
    assert "&lt;b&gt;" in page and "<b>" not in page
    assert page.count("<h2>") == 2


def test_no_text_yet():
    assert "No text yet." in phones_page([])
