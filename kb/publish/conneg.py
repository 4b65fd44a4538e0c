"""Content-negotiation rules for static hosting: the same IRI path gives HTML to people and
RDF to machines. Each resource has <path>.html, .ttl, .jsonld, .nt and .rdf side by side."""

from __future__ import annotations

RDF_TYPES = [  # (media type, file suffix), in the order a server should prefer them
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"),
    ("application/rdf+xml", ".rdf"),
]
# `?format=<name>` picks a representation outright, before Accept is looked at (for links
# and for clients that cannot set headers). An unknown name leaves Accept to decide.
FORMATS = {"ttl": ".ttl", "jsonld": ".jsonld", "nt": ".nt", "rdf": ".rdf", "html": ".html"}


def _format_cond(name: str) -> str:
    return f"RewriteCond %{{QUERY_STRING}} (?:^|&)format={name}(?:&|$)"


def _regex(media: str) -> str:
    return media.replace("+", "\\+")


def htaccess() -> str:
    lines = [
        "# Apache (mod_rewrite, mod_mime): content negotiation for the static site.",
        "Options -MultiViews",
        "AddType text/turtle .ttl",
        "AddType application/ld+json .jsonld",
        "AddType application/n-triples .nt",
        "AddType application/rdf+xml .rdf",
        "AddType application/n-quads .nq",
        "AddType text/tab-separated-values .tsv",
        "AddCharset utf-8 .ttl .jsonld .nt .nq .html",
        '<FilesMatch "^(void|sparql-examples)$">',
        "  ForceType text/turtle",
        "</FilesMatch>",
        "Header append Vary Accept",
        "RewriteEngine On",
        "# ?format=ttl|jsonld|nt|rdf|html first, then the Accept header",
    ]
    for name, suffix in FORMATS.items():
        lines += [
            _format_cond(name),
            f"RewriteCond %{{REQUEST_FILENAME}}{suffix} -f",
            f"RewriteRule ^(.+?)/?$ $1{suffix} [L]",
        ]
    for media, suffix in RDF_TYPES:
        lines += [
            f"RewriteCond %{{HTTP_ACCEPT}} {_regex(media)}",
            f"RewriteCond %{{REQUEST_FILENAME}}{suffix} -f",
            f"RewriteRule ^(.+?)/?$ $1{suffix} [L]",
        ]
    lines += [
        "RewriteCond %{REQUEST_FILENAME}.html -f",
        "RewriteRule ^(.+?)/?$ $1.html [L]",
        "",
    ]
    return "\n".join(lines)


def nginx() -> str:
    maps = "\n".join(f"    ~{_regex(media)}  {suffix};" for media, suffix in RDF_TYPES)
    formats = "\n".join(f"    {name:<7}  {suffix};" for name, suffix in FORMATS.items())
    return f"""# nginx: content negotiation for the static site. Include the maps in the http block
# and the server block with `root` set to the published folder.
map $http_accept $kb_accept_suffix {{
    default  .html;
{maps}
}}
# ?format=ttl|jsonld|nt|rdf|html overrides the Accept header; anything else leaves it to decide
map $arg_format $kb_suffix {{
    default  $kb_accept_suffix;
{formats}
}}

server {{
    listen 8080;
    root /srv/mfg-clusters;   # the folder written by `kb publish --out`
    types {{
        text/html             html;
        text/css              css;
        text/turtle           ttl;
        application/ld+json   jsonld;
        application/n-triples nt;
        application/rdf+xml   rdf;
        application/n-quads   nq;
        text/tab-separated-values tsv;
        application/gzip      gz;
        image/svg+xml         svg;
    }}
    charset utf-8;
    charset_types text/turtle application/ld+json application/n-triples application/n-quads;
    add_header Vary Accept;
    location ~ ^/\\.well-known/(void|sparql-examples)$ {{
        default_type text/turtle;
    }}
    location / {{
        try_files $uri$kb_suffix $uri.html $uri $uri/index.html =404;
    }}
}}
"""


def w3id(site_url: str) -> str:
    """A .htaccess for the w3id.org/mfg-clusters folder of perma-id/w3id.org: 303-redirect
    each IRI to the hosted file of the representation the client asked for."""
    target = site_url.rstrip("/") + "/"
    lines = [
        "# w3id.org/mfg-clusters -> the hosted site, by content negotiation.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
    ]
    for name, suffix in FORMATS.items():
        lines += [
            _format_cond(name),
            f"RewriteRule ^((?:id|code|graph)/.+|ontology)$ {target}$1{suffix} [R=303,L,QSD]",
        ]
    for media, suffix in RDF_TYPES:
        lines += [
            f"RewriteCond %{{HTTP_ACCEPT}} {_regex(media)}",
            f"RewriteRule ^((?:id|code|graph)/.+|ontology)$ {target}$1{suffix} [R=303,L]",
        ]
    lines += [
        "RewriteRule ^((?:id|code|graph)/.+|ontology)$ " + target + "$1.html [R=303,L]",
        "RewriteRule ^$ " + target + " [R=303,L]",
        "RewriteRule ^(.*)$ " + target + "$1 [R=303,L]",
        "",
    ]
    return "\n".join(lines)
