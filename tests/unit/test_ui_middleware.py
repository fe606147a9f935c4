"""The consultant login page's API description is emptied; other pages pass untouched."""

from __future__ import annotations

from ui.middleware import EMPTY_API_INFO, hide_api_info

LOGIN = (
    b'<script>window.gradio_config = {"auth_required": true, "components": []};</script>'
    b'<script>window.gradio_api_info = {"named_endpoints": {"/ask": {}}};</script><p>login</p>'
)
APP = LOGIN.replace(b'"auth_required": true, ', b"")


def test_a_login_page_loses_its_api_description_and_keeps_the_rest() -> None:
    hidden = hide_api_info(LOGIN)
    assert b"/ask" not in hidden
    assert EMPTY_API_INFO in hidden
    assert hidden.startswith(b"<script>window.gradio_config") and hidden.endswith(b"<p>login</p>")


def test_a_logged_in_page_is_untouched() -> None:
    assert hide_api_info(APP) == APP


def test_a_page_without_an_api_description_is_untouched() -> None:
    page = b'<script>window.gradio_config = {"auth_required": true};</script>'
    assert hide_api_info(page) == page
