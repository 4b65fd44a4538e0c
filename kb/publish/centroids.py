"""Approximate label positions (longitude, latitude in degrees, WGS 84) for the places the
knowledge base holds, written by hand for the region overview map.

These are NOT boundaries or official centroids: each is a rough point inside the place (a
city's centre, somewhere central in a region or country), good enough to put a marker and a
label on a small-scale map. Keys are the IRI path under the base. A place missing here is
listed under the map as not placed, never dropped silently.
"""

from __future__ import annotations

CENTROIDS: dict[str, tuple[float, float]] = {
    # countries (organisations known only by their country)
    "id/country/AT": (14.5, 47.6),
    "id/country/BE": (4.6, 50.6),
    "id/country/CH": (8.2, 46.8),
    "id/country/DE": (10.4, 51.1),
    "id/country/ES": (-3.7, 40.2),
    "id/country/FR": (2.4, 46.6),
    "id/country/GB": (-2.0, 53.5),
    "id/country/IT": (12.6, 42.8),
    "id/country/LU": (6.1, 49.8),
    "id/country/NL": (5.5, 52.2),
    "id/country/PL": (19.4, 52.1),
    "id/country/PT": (-8.2, 39.6),
    "id/country/RO": (24.9, 45.9),
    "id/country/SI": (14.9, 46.1),
    "id/country/TN": (9.5, 34.0),
    "id/country/US": (-98.6, 39.8),
    "id/country/CA": (-96.0, 58.0),
    # NUTS regions
    "id/region/AT31": (14.0, 48.2),
    "id/region/AT33": (11.4, 47.2),
    "id/region/BE2": (4.4, 51.0),
    "id/region/DE1": (9.0, 48.6),
    "id/region/DE2": (11.5, 48.9),
    "id/region/ES21": (-2.6, 43.0),
    "id/region/ES51": (1.5, 41.8),
    "id/region/FRC2": (6.1, 47.1),
    "id/region/FRE1": (2.7, 50.5),
    "id/region/FRK": (4.5, 45.5),
    "id/region/FRK2": (5.6, 45.6),
    "id/region/ITC4": (9.8, 45.6),
    "id/region/ITI3": (13.1, 43.3),
    "id/region/NL4": (5.4, 51.5),
    "id/region/PL21": (20.3, 49.9),
    "id/region/PT11": (-7.8, 41.5),
    "id/region/PT16": (-8.0, 40.2),
    "id/region/RO11": (23.3, 47.2),
    "id/region/UKL": (-3.8, 52.3),
    # other regions and cities
    "id/region/quebec": (-72.0, 52.0),
    "id/region/barcelona": (2.17, 41.39),
    "id/region/brussels": (4.35, 50.85),
    "id/region/clermont-ferrand": (3.09, 45.78),
    "id/region/cluj-napoca": (23.6, 46.77),
    "id/region/freiburg": (7.85, 47.99),
    "id/region/grenoble": (5.72, 45.19),
    "id/region/leuven": (4.70, 50.88),
    "id/region/lommel": (5.31, 51.23),
    "id/region/lyon": (4.84, 45.76),
    "id/region/milan": (9.19, 45.46),
    "id/region/oyonnax": (5.65, 46.26),
    "id/region/stuttgart-city": (9.18, 48.78),
}
