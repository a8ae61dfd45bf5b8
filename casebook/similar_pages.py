"""Page parts for 'regions like mine' (/similar/), comparisons (/compare/) and the map of the cases."""
from __future__ import annotations

from . import urls
from .diagrams import COMPARE_NARROW, relations, render_diagram
from .japan_map import BINS, PARTS, legend, render_japan_map
from .similar import case_data, closest_all, spreads

MAX_COMPARE = 4


def closest_views(site, count: int = 3) -> dict[str, list[dict]]:
    """Each region's closest cases, as the case page and the no-JS tables show them; computed once per build."""
    return {slug: [{"region": site.region(r["slug"]), "reasons": r["reasons"], "distance": r["distance"]} for r in rows]
            for slug, rows in closest_all(site.regions, count).items()}


def compare_column(site, summaries: dict, region) -> dict:
    return {"region": region, "s": summaries[region.slug], "relations": relations(region.diagram),
            "diagram": render_diagram(region.diagram, f"cmp-{region.slug}", f"{region.short_name}の連携の概要図",
                                      narrow_width=COMPARE_NARROW)}


def map_context(site, strings: dict, depth_prefix: str) -> dict:
    """The map SVG (marks link relative to the page at `depth_prefix`) and its legends."""
    def href(region):
        return depth_prefix + urls.file_of(urls.region(region.slug))

    title = strings["map"]["title"]
    svg = render_japan_map(site.regions, "jmap-svg", title, href, strings)
    phone = [render_japan_map(site.regions, f"jmap-svg-{part}", strings["map"]["part"].format(title=title, part=strings["map"]["parts"][part]),
                              href, strings, part=part) for part in PARTS]
    return {"svg": svg, "phone": phone, "legends": {m: legend(m, strings) for m in BINS}}


def spread_figures(site) -> dict:
    sd = spreads([case_data(r) for r in site.regions])
    return {"sd_total": f"{sd['total']:.2f}", "sd65": f"{sd['rate65']:.1f}", "sd75": f"{sd['rate75']:.1f}"}
