"""The lookups and derived values of casebook/model.py that every page relies on, checked on the real data against
what the region and model files say (the mutation benchmark found each of these unchecked by a direct test)."""
from __future__ import annotations

import pytest

from decimal import ROUND_HALF_UP, Decimal

from casebook import schema
from casebook.model import round_half_up

pytestmark = pytest.mark.unit


def test_round_half_up_rounds_exact_halves_up_at_the_asked_precision():
    # Python's round() gives 6.2 and 33.8 here (half to even on the binary float); the report prints 6.3 and 33.9.
    assert round_half_up(6.25) == 6.3 and round_half_up(33.85) == 33.9 and round_half_up(15.04) == 15.0
    assert round_half_up(12.345, 2) == 12.35 and round_half_up(2.5, 0) == 3
    for count, total in ((1, 16), (677, 2000), (2, 3), (5, 8), (999, 1000)):
        expected = float((Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        assert round_half_up(count / total * 100, 2) == expected


def test_a_region_lists_its_vertical_and_horizontal_models_apart_in_file_order(real_site):
    for region in real_site.regions:
        vertical = region.memberships(schema.VERTICAL_CODES)
        horizontal = region.memberships(schema.HORIZONTAL_CODES)
        assert [m.code for m in vertical] == [m.code for m in region.models if m.code in schema.VERTICAL_CODES]
        assert [m.code for m in horizontal] == [m.code for m in region.models if m.code in schema.HORIZONTAL_CODES]
        assert vertical and horizontal and len(vertical) + len(horizontal) == len(region.models)


def test_a_model_code_finds_that_model(real_site):
    for model in real_site.models:
        assert real_site.model(model.code) is model
    for region in real_site.regions:  # the badges on a case page look each membership's model up by its code
        for m in region.models:
            assert real_site.model(m.code).code == m.code


def test_a_diagram_actor_id_finds_that_actors_label(real_site):
    diagrams = [r.diagram for r in real_site.regions] + [m.diagram for m in real_site.models]
    checked = 0
    for diagram in diagrams:
        for actor in diagram.actors:
            assert diagram.label_of(actor.id) == actor.label
            checked += 1
    assert checked > 100


def test_ranks_count_the_larger_regions_and_ties_share_the_better_rank(real_site):
    regions = real_site.regions
    for key, measure in (("total", lambda r: r.population.total), ("rate75", lambda r: r.population.rate_75_printed)):
        for region in regions:
            larger = sum(1 for other in regions if measure(other) > measure(region))
            assert real_site.rank(region, key) == 1 + larger
    tied = [r for r in regions if r.population.rate_75_printed == 15.1]
    assert len(tied) == 2 and len({real_site.rank(r, "rate75") for r in tied}) == 1
