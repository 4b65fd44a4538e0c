"""Publishing the built knowledge base as a static linked open data site.

`site.publish()` writes the whole site; `pages.render_resource()` renders one resource's HTML
page from a store (the live server reuses it).

May import every stage up to kb.matching (a page shows suggested partners); never kb.serve
or kb.cli.
"""
