"""The partner matchmaker (`kb match`, kb.matching) on a small world where every expected
order is worked out by hand (tests/fixtures/match/world.ttl says what each candidate has)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kb.build.knowledge_base import KnowledgeBase
from kb.cli import main
from kb.core.config import load_config
from kb.core.errors import KBError, ParameterError
from kb.matching import SIGNALS, MatchRequest, Profile, match, resolver

REPO = Path(__file__).resolve().parent.parent
WORLD = REPO / "tests" / "fixtures" / "match" / "world.ttl"
ORG = "https://w3id.org/mfg-clusters/id/organisation/"
REGION = "https://w3id.org/mfg-clusters/id/region/"
COUNTRY = "https://w3id.org/mfg-clusters/id/country/"
DOMAIN = "https://w3id.org/mfg-clusters/code/effra-domain/"
SEEKER = URIRef(ORG + "s")


def org(name: str) -> URIRef:
    return URIRef(ORG + name)


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def world(request, tmp_path_factory):
    from conftest import make_project

    root = make_project(
        tmp_path_factory.mktemp("match"), {"world.ttl": WORLD.read_text()}, queries=REPO / "queries"
    )
    config = load_config(root)
    return KnowledgeBase.open(config, engine=request.param), root


def only(root: Path, **weights: float) -> Path:
    """A weights file where every signal but the given ones is switched off, in every mode."""
    lines = []
    for mode in ("for", "team", "profile"):
        lines.append(f"[{mode}]")
        lines += [f"{s} = {weights.get(s.replace('-', '_'), 0.0)}" for s in SIGNALS]
    path = root / f"weights-{abs(hash(tuple(sorted(weights.items()))))}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def names(result) -> list[str]:
    return [str(s.candidate).rsplit("/", 1)[-1] for s in result.suggestions]


# --- each signal, alone, gives the order worked out by hand --------------------------------


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        ("effra_shared", ["a", "u", "b"]),  # 3/3, (1 + 0.5)/3 for the uncertain mark, 1/3
        # Nu and Qoppa are in XC1, whose strategy shares the area; so is Gamma, but outside a
        # described call S3 areas only score candidates another signal found
        ("s3_shared", ["n", "q"]),
        ("topics_shared", ["t"]),
        ("networks_shared", ["n"]),
        ("letters_shared", ["l"]),
        ("coparticipation", ["p"]),
        ("two_hop", ["q"]),  # a partner (in P2) of the seeker's partner Pi
    ],
)
def test_each_signal_alone_ranks_as_worked_out(world, signal, expected) -> None:
    kb, root = world
    result = match(kb, MatchRequest(organisation=SEEKER), only(root, **{signal: 1.0}))
    assert names(result) == expected
    top = result.suggestions[0]
    assert set(top.signals) == {signal.replace("_", "-")}
    # every signal that scored is backed by evidence from the fixture's graph and section
    assert top.evidence and all(e.signal == signal.replace("_", "-") for e in top.evidence)
    assert all(e.graph is not None and e.section is not None for e in top.evidence)
    assert all(str(e.section).endswith("/source/test/world") for e in top.evidence)


def test_missing_domains_bring_candidates_for_a_team_only(world) -> None:
    kb, root = world
    weights = only(root, effra_complementary=1.0)
    # Gamma has only the domains the seeker lacks: for a team that brings it in ...
    assert names(match(kb, MatchRequest(team=(SEEKER,)), weights)) == ["c"]
    # ... for one organisation it only scores candidates another signal found
    assert names(match(kb, MatchRequest(organisation=SEEKER), weights)) == []
    both = only(root, effra_complementary=1.0, s3_shared=0.001, two_hop=0.001)
    found = match(kb, MatchRequest(organisation=SEEKER), both)
    assert names(found)[0] == "u" or "c" not in names(found)


def test_scores_are_the_weighted_shares(world) -> None:
    kb, root = world
    result = match(kb, MatchRequest(organisation=SEEKER), only(root, effra_shared=3.0))
    assert [s.score for s in result.suggestions] == pytest.approx([3.0, 1.5, 1.0])
    upsilon = result.suggestions[1]
    uncertain = [e for e in upsilon.evidence if "uncertain" in e.note]
    assert len(uncertain) == 1 and str(uncertain[0].object).endswith("covered-uncertain")


def test_experience_counts_projects_and_coordinator_roles(world) -> None:
    kb, root = world
    weights = only(root, experience=1.0, coparticipation=0.001, two_hop=0.001)
    result = match(kb, MatchRequest(organisation=SEEKER), weights)
    # Pi: 2 projects + 1 coordinator role = 3 -> log(4)/log(4) = 1; Qoppa: log(2)/log(4)
    assert names(result) == ["p", "q"]
    assert result.suggestions[0].signals["experience"] == pytest.approx(1.0)
    assert result.suggestions[1].signals["experience"] == pytest.approx(0.5)


def test_team_mode_prefers_what_the_team_lacks(world) -> None:
    kb, root = world
    weights = only(root, effra_shared=1.0, effra_complementary=3.0)
    result = match(kb, MatchRequest(team=(SEEKER,)), weights)
    assert names(result)[:2] == ["c", "a"]  # 3 x 3/3 for the three missing domains > 1 x 3/3


def test_fill_rescores_against_the_growing_team(world) -> None:
    kb, root = world
    weights = only(root, effra_shared=1.0, effra_complementary=3.0)
    result = match(kb, MatchRequest(team=(SEEKER,), fill=2, limit=2), weights)
    # Gamma brings D4-D6; then nothing is missing and Alpha shares 3 of the team's 6 domains
    assert names(result) == ["c", "a"]
    assert result.suggestions[1].score == pytest.approx(0.5)


def test_profile_mode_needs_no_organisation(world) -> None:
    kb, root = world
    profile = Profile(domains=frozenset({URIRef(DOMAIN + "D4"), URIRef(DOMAIN + "D1")}))
    result = match(kb, MatchRequest(profile=profile), only(root, effra_shared=1.0))
    # Gamma has D4 (1/2); Alpha, Beta and the seeker have D1 (1/2): a described call has no
    # seeker to leave out; Upsilon's D1 is uncertain (0.25)
    assert names(result) == ["a", "b", "c", "s", "u"]


# --- constraints ---------------------------------------------------------------------------


def test_exclude_region_follows_the_hierarchy(world) -> None:
    kb, _root = world
    request = MatchRequest(organisation=SEEKER, exclude_regions=(URIRef(REGION + "XB"),))
    found = names(match(kb, request))
    assert found and not {"a", "b", "u", "p", "t", "l"} & set(found)  # all in XB1 or XB2


def test_country_and_type_filters(world) -> None:
    kb, _root = world
    team = (SEEKER,)  # a team, so that Gamma (only the domains the seeker lacks) is a candidate
    in_c = names(match(kb, MatchRequest(team=team, regions=(URIRef(COUNTRY + "XC"),))))
    assert set(in_c) == {"c", "q", "n"}
    universities = names(match(kb, MatchRequest(team=team, types=("university",))))
    assert universities == ["c"]


def test_not_partners_of_leaves_out_past_partners(world) -> None:
    kb, _root = world
    found = names(match(kb, MatchRequest(organisation=SEEKER, not_partners_of=(SEEKER,))))
    assert "p" not in found and "q" in found


def test_cap_per_region(world) -> None:
    kb, root = world
    request = MatchRequest(organisation=SEEKER, max_per_region=1)
    assert names(match(kb, request, only(root, effra_shared=1.0))) == ["a", "u"]  # Beta: XB1 full


def test_min_countries_changes_the_picks(world) -> None:
    kb, root = world
    weights = only(root, effra_shared=1.0, s3_shared=0.1)
    free = match(kb, MatchRequest(team=(SEEKER,), fill=2, limit=2), weights)
    assert names(free) == ["a", "u"]  # both in country XB
    ruled = match(kb, MatchRequest(team=(SEEKER,), fill=2, limit=2, min_countries=3), weights)
    countries = {str(s.country).rsplit("/", 1)[-1] for s in ruled.suggestions}
    assert names(ruled)[0] == "a" and countries == {"XB", "XC"}


def test_impossible_min_countries_is_a_parameter_error(world) -> None:
    kb, root = world
    with pytest.raises(ParameterError, match="--min-countries"):
        match(kb, MatchRequest(team=(SEEKER,), fill=2, min_countries=9))


# --- resolving what users type -------------------------------------------------------------


def test_resolver_accepts_short_names_codes_and_curies(world) -> None:
    kb, _root = world
    resolve = resolver(kb)
    assert resolve.organisation("s", "--for") == SEEKER
    assert resolve.organisation("id:organisation/s", "--for") == SEEKER
    assert resolve.domain("d2") == URIRef(DOMAIN + "D2")
    assert resolve.place("XB", "--region") == URIRef(REGION + "XB")
    assert resolve.topic("3d-printing").endswith("technology-field/3d-printing")
    for call, parameter in (
        (lambda: resolve.organisation("nobody", "--for"), "--for"),
        (lambda: resolve.domain("D9"), "--domain"),
        (lambda: resolve.place("ZZ9", "--region"), "--region"),
        (lambda: resolve.organisation("javascript:alert(1)", "--team"), "--team"),
    ):
        with pytest.raises(ParameterError) as caught:
            call()
        assert caught.value.name == parameter


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def cli_world(project):
    return project({"world.ttl": WORLD.read_text()}, queries=REPO / "queries")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["match", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_table_shows_ranks_and_reasons(cli_world, capsys) -> None:
    code, out, _err = run_cli(capsys, "--for", "s", "--limit", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(" 1.") and "[id:organisation/" in lines[0]
    assert any("effra-shared" in line and "D1" in line for line in lines)


def test_cli_json_and_csv_carry_scores_and_evidence(cli_world, capsys) -> None:
    code, out, _ = run_cli(capsys, "--for", "id:organisation/s", "--format", "json")
    assert code == 0
    body = json.loads(out)
    assert body["request"]["mode"] == "for" and body["suggestions"]
    first = body["suggestions"][0]
    assert first["rank"] == 1 and first["score"] == pytest.approx(sum(first["signals"].values()))
    assert all(e["section"].endswith("/source/test/world") for e in first["evidence"])
    code, out, _ = run_cli(capsys, "--for", "s", "--format", "csv", "--limit", "2")
    header, *rows = out.strip().splitlines()
    assert header.split(",")[:4] == ["rank", "iri", "label", "score"] and len(rows) == 2


def test_cli_turtle_output_is_linked_data_that_conforms(cli_world, capsys) -> None:
    from pyshacl import validate

    code, out, _ = run_cli(capsys, "--team", "s", "--fill", "2", "--format", "turtle")
    assert code == 0
    graph = Graph().parse(data=out, format="turtle")
    mc = "https://w3id.org/mfg-clusters/ontology#"
    suggestions = set(graph.subjects(URIRef(mc + "suggestedPartner"), None))
    assert len(suggestions) == 2
    shapes = Graph().parse(REPO / "queries" / "match" / "match-list.shapes.ttl")
    conforms, _graph, text = validate(graph, shacl_graph=shapes)
    assert conforms, text
    # the shapes are not vacuous: a suggestion without its evidence fails them
    for node in suggestions:
        graph.remove((node, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    assert not validate(graph, shacl_graph=shapes)[0]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--for", "nobody"], "--for"),
        (["--domain", "D42"], "--domain"),
        (["--for", "s", "--region", "nowhere"], "--region"),
        (["--for", "s", "--fill", "2"], "--fill"),
        (["--team", "s", "--fill", "2", "--min-countries", "9"], "--min-countries"),
        (["--for", "s", "--limit", "0"], "--limit"),
        (["--for", "s", "--team", "s"], "--for"),
    ],
)
def test_cli_bad_input_names_the_parameter(cli_world, capsys, argv, named) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert named in err and "Traceback" not in err


def test_cli_bad_weights_file_names_file_and_key(cli_world, capsys) -> None:
    bad = cli_world / "bad.toml"
    bad.write_text("[for]\neffra-shard = 1\n", encoding="utf-8")
    code, _out, err = run_cli(capsys, "--for", "s", "--weights", str(bad))
    assert code == 2 and "bad.toml" in err and "effra-shard" in err


def test_profile_file(cli_world, capsys) -> None:
    call = cli_world / "call.ttl"
    call.write_text(
        "@prefix mc: <https://w3id.org/mfg-clusters/ontology#> .\n"
        "[] mc:effraDomain <https://w3id.org/mfg-clusters/code/effra-domain/D4> .\n",
        encoding="utf-8",
    )
    code, out, _ = run_cli(capsys, "--profile", str(call), "--format", "json")
    assert code == 0
    assert [s["iri"] for s in json.loads(out)["suggestions"]] == [ORG + "c"]
    broken = cli_world / "broken.ttl"
    broken.write_text("@prefix mc: <x> .\n[] mc:effraDomain \n", encoding="utf-8")
    code, _out, err = run_cli(capsys, "--profile", str(broken))
    assert code == 2 and "broken.ttl:" in err


def test_no_seeker_is_an_error() -> None:
    from kb.cli import parser
    from kb.matching.arguments import check_arguments

    args = parser().parse_args(["match"])
    with pytest.raises(KBError, match="who is looking"):
        check_arguments(args)


# --- the seed knowledge base ---------------------------------------------------------------


def test_seed_afil_gets_explained_suggestions() -> None:
    config = load_config(REPO)
    kb = KnowledgeBase.open(config, engine="oxigraph", reuse_build=True)
    result = match(kb, MatchRequest(organisation=org("afil"), limit=5))
    assert len(result.suggestions) == 5
    top = {str(s.candidate).rsplit("/", 1)[-1] for s in result.suggestions}
    # the 4M4IoF clusters sharing AFIL's EFFRA domains and past projects come first
    assert {"bwcon", "plastipolis"} <= top
    for s in result.suggestions:
        assert s.evidence and all(e.section is not None for e in s.evidence)


def test_python_api_kb_match() -> None:
    import kb

    result = kb.match(organisation=org("afil"), limit=3, root=REPO, engine="oxigraph")
    assert len(result.suggestions) == 3
    assert all(s.score > 0 and s.reasons for s in result.suggestions)
