"""`kb serve`: the read-only SPARQL endpoint, its linked-data pages and the matchmaker over HTTP.

Owns the web application (app, one module per route family in routes/), content negotiation
(negotiation), the query worker processes and their fair pool (worker, pool), the static site's
URL space on the server (site), the organisation pages' suggested partners (partners), the
/match page and /api/match (match) and the nginx rules in front of it (proxy).

May import the earlier stages and engines (config, store, build, results, publish, matching,
sandbox ...); nothing outside kb.serve imports it except the `kb serve` command (kb.cli).
"""
