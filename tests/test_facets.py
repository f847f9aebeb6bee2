"""The facet stage's small parts (library/facets.py): the Bitmap set of docnums and what a
request chose. The counts themselves are tested on real indexes (test_search.py,
test_corpus_index.py, test_answer_shapes.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from library.facets import Bitmap, chosen
from library.models import SearchRequest

SIZE = 300
DOCNUMS = st.sets(st.integers(0, SIZE - 1), max_size=120)


@settings(max_examples=200, deadline=None)
@given(DOCNUMS, DOCNUMS, st.lists(st.integers(0, SIZE - 1), max_size=50))
def test_a_bitmap_is_the_set_of_its_docnums(a: set[int], b: set[int], probe: list[int]) -> None:
    x, y = Bitmap.of(a, SIZE), Bitmap.of(b, SIZE)
    assert len(x) == len(a)
    assert {d for d in range(SIZE) if d in x} == a
    assert {d for d in range(SIZE) if (x & y).flags()[d]} == a & b
    assert {d for d in range(SIZE) if (x | y).flags()[d]} == a | b
    assert len(x.flags()) == SIZE and set(x.flags()) <= {0, 1}
    assert x.select(probe) == [int(d in a) for d in probe]


def test_an_empty_bitmap_and_an_empty_index() -> None:
    assert len(Bitmap.of([], 0)) == 0 and Bitmap.of([], 0).flags() == b""
    assert Bitmap.of([], 9).flags() == bytes(9)
    assert Bitmap.of([8], 9).flags() == bytes(8) + b"\x01"


def test_chosen_values_are_keyed_as_the_table_keys_them_once_each() -> None:
    req = SearchRequest(
        themes=["Neglect", "neglect", "toxic-trio"],
        review_types=["SCR"],
        kinds=[],
        partnerships=["Barnet", "barnet", "Tower Hamlets"],
        year_from=2019,
        year_to=2019,
    )
    got = chosen(req)
    assert got["theme"] == [("neglect", "Neglect"), ("toxic-trio", "toxic-trio")]
    assert got["review_type"] == [("scr", "SCR")]
    assert got["document_kind"] == []
    assert got["partnership"] == [("barnet", "Barnet"), ("tower-hamlets", "Tower Hamlets")]
    assert got["year"] == [("2019", "2019")]
    # a range of years is not one year of the facet
    assert chosen(SearchRequest(year_from=2018, year_to=2019))["year"] == []
