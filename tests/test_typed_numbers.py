"""No number typed by hand in the book's prose.

Every number in running text, captions, alt text and exercise solutions is
glued or computed, so it cannot drift from the data. What is set aside as a
convention is listed, each with its reason, in ``korean_ott.prose.CONVENTIONS``.
"""

from __future__ import annotations

import pytest

from korean_ott import prose

PAGES = prose.book_pages()


@pytest.mark.parametrize("page", PAGES, ids=[path.name for path in PAGES])
def test_page_has_no_number_typed_by_hand(page):
    typed = prose.typed_numbers(page)
    assert not typed, "glue or compute these numbers:\n" + "\n".join(map(str, typed))
