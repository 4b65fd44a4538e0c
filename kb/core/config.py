"""The one place configuration is read from: `[tool.kb]` in pyproject.toml, then KB_* variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kb.core.errors import KBError
from kb.core.namespaces import DEFAULT_PREFIXES
from kb.core.plugins import STORES

INFERENCE_PROFILES = ("rules", "owlrl", "rdfs", "none")
VALIDATORS = ("sparql", "pyshacl")
# Where the build keeps the KB while it works: in memory, or in Oxigraph's on-disk store
# (RocksDB) in a folder under build/; `auto` takes the disk above DISK_ABOVE bytes of Turtle.
STORAGES = ("auto", "memory", "disk")
DISK_ABOVE = 500 << 20  # ~3x10^6 generated triples; the in-memory build then needs ~4.5 GB
SUGGESTED_PARTNERS = 5


@dataclass(frozen=True)
class Config:
    root: Path
    base_iri: str
    ontology_dirs: tuple[Path, ...]
    data_dirs: tuple[Path, ...]
    shapes_dir: Path
    queries_dir: Path
    checks_dir: Path
    build_dir: Path
    inference: str = "rules"
    store: str = "rdflib"
    validation: str = "sparql"
    prefixes: dict[str, str] = field(default_factory=dict)
    storage: str = "auto"
    # kb publish: at most this many suggested partners per organisation page (0: none)
    suggested_partners: int = SUGGESTED_PARTNERS

    @property
    def source_dirs(self) -> tuple[Path, ...]:
        """Every folder whose Turtle files make up the knowledge base, in load order."""
        return self.ontology_dirs + self.data_dirs

    def check_inputs(self, *, shapes: bool = True, checks: bool = True) -> None:
        """KBError naming the key and the path of a configured input that is not there: a
        missing folder (or a data file named on its own), or a source folder with no Turtle
        file. `shapes`/`checks`: whether this run needs the shapes and the checks folders."""
        wanted = [("ontology_dirs", p) for p in self.ontology_dirs]
        wanted += [("data_dirs", p) for p in self.data_dirs]
        wanted.append(("queries_dir", self.queries_dir))
        if shapes:
            wanted.append(("shapes_dir", self.shapes_dir))
        if checks:
            wanted.append(("checks_dir", self.checks_dir))
        for key, path in wanted:
            where = f"[tool.kb] {key} in {self.root / 'pyproject.toml'} or KB_{key.upper()}"
            hint = "; build with --no-shapes to skip validation on purpose" if shapes else ""
            if not path.exists():
                raise KBError(
                    f"{key}: {path} does not exist (set by {where}){hint * (key == 'shapes_dir')}"
                )
            if key.endswith("_dirs") and path.is_dir() and not any(path.rglob("*.ttl")):
                raise KBError(f"{key}: {path} holds no Turtle (*.ttl) file (set by {where})")
            unread = _unread(path, key)
            if unread:
                reads = "*.rq" if key in ("queries_dir", "checks_dir") else "Turtle *.ttl"
                raise KBError(
                    f"{key}: {unread} would not be read (kb build reads {reads} files only): "
                    "rename or convert it, or move it out of the folder"
                )

    def graph_iri(self, path: Path) -> str:
        """The named-graph IRI of a source file: base + 'graph/' + its path without suffix."""
        rel = path.resolve().relative_to(self.root.resolve()).with_suffix("")
        return f"{self.base_iri}graph/{rel.as_posix()}"


# Files a folder may hold that `kb build` would skip without a word: RDF in another syntax or
# spelling (".TTL"), SPARQL under another name.
_RDF_SUFFIXES = {".nt", ".nq", ".trig", ".rdf", ".owl", ".jsonld", ".n3", ".turtle", ".ttl"}
_QUERY_SUFFIXES = {".sparql", ".rq", ".ru"}


def _unread(path: Path, key: str) -> Path | None:
    """The first file under `path` the build would not read though it looks like input."""
    if not path.is_dir():
        return None
    if key in ("queries_dir", "checks_dir"):  # read without recursion; checks/ is its own key
        files = [p for p in path.iterdir() if p.is_file()]
        return next(
            (p for p in sorted(files) if p.suffix.lower() in _QUERY_SUFFIXES and p.suffix != ".rq"),
            None,
        )
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return next(
        (p for p in files if p.suffix.lower() in _RDF_SUFFIXES and p.suffix != ".ttl"), None
    )


def find_root(start: Path | None = None) -> Path:
    """The folder of the nearest pyproject.toml that has a [tool.kb] table."""
    env = os.environ.get("KB_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        # only a probe for the table: load_config names a file that is not UTF-8
        text = (
            candidate.read_text(encoding="utf-8", errors="replace") if candidate.is_file() else ""
        )
        if "[tool.kb]" in text:
            return folder
    # An editable install: the checkout that holds this package.
    package_root = Path(__file__).resolve().parent.parent
    if (package_root / "pyproject.toml").is_file():
        return package_root
    raise KBError("no pyproject.toml with a [tool.kb] table found here or above; set KB_ROOT")


def load_config(root: Path | None = None, **overrides: object) -> Config:
    root = (root or find_root()).resolve()
    pyproject = root / "pyproject.toml"
    try:
        table = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["kb"]
    except UnicodeDecodeError as exc:  # TOML is UTF-8
        line = pyproject.read_bytes()[: exc.start].count(b"\n") + 1
        raise KBError(f"{pyproject}:{line}: not UTF-8 ({exc.reason}); save it as UTF-8") from None
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise KBError(f"{pyproject}: cannot read [tool.kb]: {exc}") from exc

    def setting(key: str, default: object = None) -> object:
        if overrides.get(key) is not None:
            return overrides[key]
        env = os.environ.get(f"KB_{key.upper()}")
        if env is not None:
            return env.split(os.pathsep) if key.endswith("_dirs") else env
        if key not in table and default is not None:
            return default
        if key not in table:
            raise KBError(f"{pyproject}: [tool.kb] has no {key!r}")
        return table[key]

    def paths(key: str) -> tuple[Path, ...]:
        value = setting(key)
        values = [value] if isinstance(value, str | Path) else list(value)  # type: ignore[arg-type]
        return tuple((root / v).resolve() for v in values)

    inference = str(setting("inference"))
    if inference not in INFERENCE_PROFILES:
        raise KBError(
            f"inference must be one of {', '.join(INFERENCE_PROFILES)}, not {inference!r}"
        )
    store = str(setting("store"))
    if store not in STORES.builtin and store not in STORES.names():  # a registered plugin
        raise KBError(f"store must be one of {', '.join(STORES.names())}, not {store!r}")
    # Tables written before the compiled validator existed have no `validation` key.
    validation = str(setting("validation", default="sparql"))
    if validation not in VALIDATORS:
        raise KBError(f"validation must be one of {', '.join(VALIDATORS)}, not {validation!r}")
    storage = str(setting("storage", default="auto"))
    if storage not in STORAGES:
        raise KBError(f"storage must be one of {', '.join(STORAGES)}, not {storage!r}")
    suggested_partners = count_setting(
        "suggested_partners", setting("suggested_partners", default=SUGGESTED_PARTNERS)
    )
    base_iri = str(setting("base_iri"))
    if not base_iri.endswith("/"):
        raise KBError(f"base_iri must end with '/': {base_iri!r}")
    return Config(
        root=root,
        base_iri=base_iri,
        ontology_dirs=paths("ontology_dirs"),
        data_dirs=paths("data_dirs"),
        shapes_dir=paths("shapes_dir")[0],
        queries_dir=paths("queries_dir")[0],
        checks_dir=paths("checks_dir")[0],
        build_dir=paths("build_dir")[0],
        inference=inference,
        store=store,
        validation=validation,
        prefixes=dict(table.get("prefixes") or DEFAULT_PREFIXES),
        storage=storage,
        suggested_partners=suggested_partners,
    )


def count_setting(key: str, value: object) -> int:
    """A whole number >= 0 from the table (an int) or a KB_* variable (its text)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise KBError(f"{key} must be a whole number >= 0, not {value!r}")
    return value
