"""Every other path, as the published site has it (kb.serve.site): a thing's IRI path answers
303 See Other to its document; the documents and the site's other files answer 200; anything
else 404. /static/... is the package's own files (the pages' style sheet and script)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import quote

from kb.publish.data import LIST_FOLDER
from kb.serve import site
from kb.serve.http import URL_SAFE, Gone, Refused, text
from kb.serve.routes.documents import choose_suffix, document
from kb.serve.state import served


def site_thing(path: str) -> bool:
    """A thing whose documents `kb publish` writes as site pages, not resource pages: the
    ontology, a stored query, an organisation's match list (kb.publish.partners)."""
    return path == "ontology" or path.startswith(("id/query/", LIST_FOLDER))


async def see_other(request, path: str, paths: dict[str, str]):
    """303 to the document about the thing at `path` (404 when there is none)."""
    from starlette.responses import Response

    chosen = choose_suffix(request)
    if path in paths and not site_thing(path):
        exists = True
    else:
        exists = site.site_file(await served(request).site_folder(), path + chosen) is not None
    if not exists:
        return text(404, f"no {chosen} document about /{path}", {"Vary": "Accept"})
    target = "/" + quote(path + chosen, safe=URL_SAFE)
    return Response(
        f"See Other: {target} (a document about {served(request).base_iri}{path})\n",
        status_code=303,
        media_type="text/plain; charset=utf-8",
        headers={"Location": target, "Vary": "Accept"},
    )


async def described(request, iri: str, suffix: str):
    """A resource's document, with `Link: <IRI>; rel="describes"` when it exists."""
    answer = await document(request, iri, suffix)
    if answer.status_code == 200:
        answer.headers["Link"] = f'<{quote(iri, safe=URL_SAFE)}>; rel="describes"'
    return answer


async def site_file(request, path: str, suffix: str):
    """A file of the site's folder, looked for as the site's nginx rules do."""
    from starlette.responses import FileResponse

    root = path.split("/", 1)[0]
    if root not in site.SITE_ROOTS and site.split_suffix(root)[0] not in site.SITE_ROOTS:
        return text(404, f"no page /{path} here")
    folder = await served(request).site_folder()
    # as the site's nginx rules: try_files $uri$kb_suffix $uri.html $uri $uri/index.html
    candidates = [path]
    negotiated = not suffix
    if negotiated:
        candidates = [path + choose_suffix(request), path + ".html", path, path + "/index.html"]
    for candidate in candidates:
        found = site.site_file(folder, candidate)
        if found is not None:
            headers = {"Vary": "Accept"} if negotiated else {}
            return FileResponse(found, media_type=site.content_type(found), headers=headers)
    return text(404, f"no page /{path} here")


async def linked_data(request):
    """/{path}: a thing's IRI path, a document, a file of the site, or 404."""
    from starlette.responses import Response

    path = request.path_params["path"]
    try:
        if not site.safe_path(path.rstrip("/") or "/"):
            return text(404, f"no page /{path} here")
        path = path.rstrip("/")
        stem, suffix = site.split_suffix(path)
        paths = await served(request).resource_paths(request)
        if not suffix and (path in paths or site_thing(path)):
            return await see_other(request, path, paths)
        if suffix and stem in paths and not site_thing(stem):
            return await described(request, paths[stem], suffix)
        return await site_file(request, path, suffix)
    except Refused as exc:
        return text(exc.status, exc.args[0], exc.headers)
    except Gone:
        return Response(status_code=499)


async def static(request):
    """/static/<name>: the package's style sheet and script, at the paths the pages link to
    (kb publish copies the same files to the site's static/ folder)."""
    from starlette.responses import Response

    name = request.path_params["name"]
    folder = resources.files("kb") / "static"
    if name not in {item.name for item in folder.iterdir() if item.is_file()}:
        return text(404, f"no page /static/{name} here")
    return Response((folder / name).read_bytes(), media_type=site.content_type(Path(name)))
