"""`kb build` and `kb validate`: run the pipeline and report."""

from __future__ import annotations

import argparse
import sys

from kb.build.pipeline import BuildResult, build, write_outputs
from kb.cli import HELP
from kb.core.config import INFERENCE_PROFILES, STORAGES, STORES, VALIDATORS, load_config


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--inference", choices=INFERENCE_PROFILES, help="entailment regime (default from [tool.kb])"
    )
    p.add_argument("--store", choices=STORES, help="embedded engine (default from [tool.kb])")
    p.add_argument(
        "--validation",
        choices=VALIDATORS,
        help="sparql (compiled shapes on Oxigraph) or pyshacl (the reference); default from "
        "[tool.kb]",
    )
    p.add_argument(
        "--storage",
        choices=STORAGES,
        help="where the build keeps the KB while it works: memory, disk (Oxigraph's on-disk "
        "store under build/) or auto (disk above 500 MiB of Turtle); default from [tool.kb]",
    )
    p.add_argument(
        "--clean",
        action="store_true",
        help="infer from scratch, even where the previous build's inferred graph could be "
        "reused (by default it is when no changed file can reach a rule)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help=HELP["build"],
        description="Load every Turtle file into its named graph, infer into a "
        "separate graph, validate with SHACL, run queries/checks, print a summary "
        "and write build/ (reports always; kb.nq only when everything passes).",
    )
    _common(p)
    p.add_argument(
        "--no-shapes",
        action="store_true",
        help="build without SHACL validation, on purpose (without it, a missing or empty "
        "shapes folder is an error); the summary says the data was not validated",
    )
    p.set_defaults(func=run_build)
    v = sub.add_parser(
        "validate",
        help=HELP["validate"],
        description="Load, infer and validate; print every result. Exit 0 when "
        "the data conforms, 1 on violations, 2 on errors.",
    )
    _common(v)
    v.add_argument(
        "--format",
        choices=("text", "turtle", "github", "json", "junit"),
        default="text",
        help="text (default: each result with its file and line), the W3C validation "
        "report graph in Turtle, github: GitHub Actions annotations on the file and line "
        "and a Markdown job summary when "
        "$GITHUB_STEP_SUMMARY is set, json: every result with file and line, or junit: "
        "JUnit XML (one test case per shape with results) for GitLab, Jenkins and others",
    )
    v.add_argument(
        "--summary",
        action="store_true",
        help="with the text format: every violation with its file and line, warnings and "
        "infos only counted per shape (for CI logs)",
    )
    v.set_defaults(func=run_validate)


def summary(result: BuildResult) -> str:
    v = result.validation
    lines = [
        f"files loaded        {len(result.files)}",
        f"triples asserted    {result.asserted}",
        f"triples inferred    {result.inferred} ({result.inferred_how or result.config.inference})",
    ]
    if result.outside_rl:
        unread = ", ".join(f"{name} {n}" for name, n in result.outside_rl.items())
        lines.append(f"not reasoned with   {unread} (outside OWL 2 RL)")
    if v is not None:
        lines += [
            f"shapes              {v.shapes_count} (validated by {result.config.validation})",
            f"conforms            {v.conforms} ({v.count('Violation')} violations, "
            f"{v.count('Warning')} warnings)",
        ]
    else:
        lines.append("shapes              none: not validated (--no-shapes)")
    if result.queries_parsed:
        lines.append(f"queries parsed      {result.queries_parsed} (stored queries and checks)")
    if result.checks:
        failed = [c for c in result.checks if not c.passed]
        lines.append(
            f"integrity checks    {len(result.checks) - len(failed)}/{len(result.checks)}"
            " passed" + (f" (failed: {', '.join(c.name for c in failed)})" if failed else "")
        )
    lines.append(
        "time per stage      " + ", ".join(f"{k} {t:.2f} s" for k, t in result.timings.items())
    )
    if result.class_counts:
        lines.append("instances per class")
        width = max(len(str(c).rsplit("#", 1)[-1]) for c in result.class_counts)
        for cls, n in sorted(result.class_counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            lines.append(f"  {str(cls).rsplit('#', 1)[-1]:<{width}}  {n}")
    return "\n".join(lines)


def run_build(args: argparse.Namespace) -> int:
    config = load_config(
        inference=args.inference,
        store=args.store,
        validation=args.validation,
        storage=args.storage,
    )
    result = build(
        config, validate_data=not args.no_shapes, progress=not args.quiet, reuse=not args.clean
    )
    written = write_outputs(result)
    print(summary(result))
    if result.validation is not None and not result.validation.conforms:
        print(result.validation.text(), file=sys.stderr)
    for check in result.checks:
        if not check.passed:
            print(f"check {check.name} failed ({len(check.rows)} rows):", file=sys.stderr)
            for row in check.rows[:20]:
                print("  " + "  ".join(str(x) for x in row), file=sys.stderr)
    print(f"wrote {', '.join(written)} to {config.build_dir}", file=sys.stderr)
    return 0 if result.conforms else 1


def run_validate(args: argparse.Namespace) -> int:
    config = load_config(
        inference=args.inference,
        store=args.store,
        validation=args.validation,
        storage=args.storage,
    )
    result = build(
        config, run_integrity_checks=False, progress=not args.quiet, reuse=not args.clean
    )
    assert result.validation is not None
    if args.format == "turtle":
        sys.stdout.write(result.validation.report_graph.serialize(format="turtle"))
        return 0 if result.validation.conforms else 1
    from kb.shacl.formats import Report, write_step_summary
    from kb.shacl.shapes import load_shapes

    report = Report(result.validation, config, load_shapes(config.shapes_dir))
    if args.format == "github":
        if result.validation.results:
            print(report.github())
        write_step_summary(report.markdown())
        print(result.validation.text().split("\n", 1)[0], file=sys.stderr)
    elif args.format == "json":
        sys.stdout.write(report.json())
    elif args.format == "junit":
        sys.stdout.write(report.junit())
    else:
        print(report.summary() if args.summary else report.text())
    return 0 if result.validation.conforms else 1
