"""The loader: ruamel's C composer building our nodes directly, and its checks.

Each test states the YAML it loads and what the nodes must look like.  The pure-Python
path (no ``ruamel.yaml.clib``) must give the same nodes as the C path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from actiongen import load
from actiongen.load import MAX_DEPTH, Mapping, Node, Scalar, Sequence, load_text

from .conftest import shared_path


def shape(node: Node | None, positions: bool = True) -> Any:
    """Plain data (with positions), to compare two loads node by node."""
    if node is None:
        return None
    span = node.span
    where = (span.line, span.column, span.end_line, span.end_column) if positions else None
    if isinstance(node, Scalar):
        return ("s", node.text, node.value, node.style or None, where)
    if isinstance(node, Sequence):
        return ("q", [shape(i, positions) for i in node.items], where)
    assert isinstance(node, Mapping)
    return ("m", [(shape(k, positions), shape(v, positions)) for k, v in node.pairs], where)


def test_scalars_resolve_as_github_reads_them() -> None:
    doc = load_text("w.yml", "on: push\nn: 3\nf: 1.5\nb: true\nq: 'true'\nz: ~\nh: 0x1f\n")
    assert isinstance(doc.root, Mapping)
    values = {k: v.value for k, v in doc.root.items() if isinstance(v, Scalar)}
    assert values == {"on": "push", "n": 3, "f": 1.5, "b": True, "q": "true", "z": None, "h": 31}


PLAIN = [
    "", "~", "null", "Null", "NULL", "nULL", "none", "None", "true", "True", "TRUE", "tRUE",
    "false", "False", "FALSE", "yes", "no", "on", "off", "y", "n", "t", "f", "+", ".",
    "0", "007", "-3", "+4", "0x1F", "0o17", "0b1", "1_000", "1e3", "-2.5E-3", ".5", "5.",
    ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "NaN", "inf", "1.2.3", "v1", "node", "test",
    "fast-fail", "12:30", "2024-01-01", "~/.cache", "nul", "truex",
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_scalars_resolve_by_the_full_rules(text: str) -> None:
    # The loader takes a shortcut for words; it must agree with the full resolution.
    doc = load_text("w.yml", f"k: {text}\n")
    assert isinstance(doc.root, Mapping)
    value = doc.root.get("k")
    assert isinstance(value, Scalar)
    expected = load._resolve(text)
    assert (type(value.value), value.value) == (type(expected), expected) or (
        expected != expected and value.value != value.value)  # NaN


def test_merge_keys_come_last_and_the_mapping_own_keys_win() -> None:
    text = "base: &b {a: 1, c: 2}\nuse:\n  c: 9\n  <<: *b\n  d: 4\n"
    doc = load_text("w.yml", text)
    assert isinstance(doc.root, Mapping)
    use = doc.root.get("use")
    assert isinstance(use, Mapping)
    assert use.keys() == ["c", "d", "a"]  # merged `a` after the own keys; own `c` wins
    c, a = use.get("c"), use.get("a")
    assert isinstance(c, Scalar) and c.value == 9
    assert isinstance(a, Scalar) and a.value == 1
    assert not doc.problems


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    doc = load_text("w.yml", "x: &b {a: 1}\ny: {'<<': *b}\n")
    assert isinstance(doc.root, Mapping)
    y = doc.root.get("y")
    assert isinstance(y, Mapping) and y.keys() == ["<<"]


def test_duplicate_keys_are_problems_and_the_first_is_kept() -> None:
    doc = load_text("w.yml", "jobs:\n  a: 1\n  a: 2\n")
    assert [(p.kind, p.span.line, p.span.column) for p in doc.problems] == [("duplicate-key", 3, 3)]
    assert "first defined on line 2" in doc.problems[0].message
    assert isinstance(doc.root, Mapping)
    jobs = doc.root.get("jobs")
    assert isinstance(jobs, Mapping)
    a = jobs.get("a")
    assert isinstance(a, Scalar) and a.value == 1


def test_a_key_that_is_not_a_scalar_is_a_problem() -> None:
    doc = load_text("w.yml", "? [a, b]\n: 1\nc: 2\n")
    assert [(p.kind, p.span.line) for p in doc.problems] == [("syntax", 1)]
    assert isinstance(doc.root, Mapping) and doc.root.keys() == ["c"]


def test_aliases_share_one_node() -> None:
    doc = load_text("w.yml", "a: &x {k: v}\nb: *x\n")
    assert isinstance(doc.root, Mapping)
    assert doc.root.get("a") is doc.root.get("b")


def test_expressions_are_collected_from_the_first_document_only() -> None:
    text = "a: ${{ one }}\nb: [x, '${{ two }}']\n---\nc: ${{ three }}\n"
    doc = load_text("w.yml", text)
    assert [s.text for s in doc.expression_scalars] == ["${{ one }}", "${{ two }}"]
    assert [p.message for p in doc.problems] == [
        "the file holds 2 YAML documents; GitHub reads only one"
    ]


def test_duplicates_in_a_later_document_are_not_reported() -> None:
    doc = load_text("w.yml", "a: 1\n---\nb: 1\nb: 2\n")
    assert [p.kind for p in doc.problems] == ["syntax"]  # the second document, only


def test_nesting_through_an_alias_chain_is_measured() -> None:
    # Each line nests the previous anchor one level deeper: no indentation shows it.
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, MAX_DEPTH + 10)]
    doc = load_text("w.yml", "\n".join(lines) + "\n")
    assert doc.root is None
    assert [p.message for p in doc.problems] == [f"nesting is deeper than {MAX_DEPTH} levels"]


def test_an_alias_bomb_with_hyphenated_anchor_names_is_caught() -> None:
    lines = ["l-0: &l-0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        refs = ", ".join([f"*l-{i - 1}"] * 9)
        lines.append(f"l-{i}: &l-{i} [{refs}]")
    doc = load_text("w.yml", "\n".join(lines) + "\n")
    assert doc.root is None
    assert "aliases expand this document" in doc.problems[0].message


def test_shell_ampersands_are_not_anchors() -> None:
    text = "run: |\n  make 2>&1 && echo ok &\n  a &&b\n"
    assert not load._may_expand_or_nest(text)
    assert not load._may_expand_or_nest("a: &x 1\nb: 2\n")  # an anchor nobody uses
    assert not load._may_expand_or_nest("run: ls *.md && echo &done\n")
    assert load._may_expand_or_nest("a: &x 1\nb: *x\n")
    assert load._may_expand_or_nest("- [&x 1, *x]\n")


def test_the_node_classes_are_put_back_after_composing() -> None:
    module = load._fast_parser()[1]
    if module is None:
        pytest.skip("ruamel.yaml.clib is not installed")
    load_text("w.yml", "a: 1\n")
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    assert (module.ScalarNode, module.SequenceNode, module.MappingNode) == (
        ScalarNode,
        SequenceNode,
        MappingNode,
    )


SAMPLES = [
    "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.sha }}\n",
    "a: &b {x: 1, y: [1, 2]}\nc:\n  <<: *b\n  y: 3\nd: *b\n",
    "k: 'q'\nl: \"d\"\nm: |\n  block\n  text\nn: >\n  folded\n",
    "dup: 1\ndup: 2\n? [x]\n: 1\n",
]


def assert_same(text: str, a: load.Document, b: load.Document, positions: bool = True) -> None:
    assert shape(a.root, positions) == shape(b.root, positions), text[:200]
    assert [(p.kind, p.message) for p in a.problems] == [(p.kind, p.message) for p in b.problems]
    assert [s.text for s in a.expression_scalars] == [s.text for s in b.expression_scalars]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_pure_python_path_gives_the_same_nodes(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if load._fast_parser()[1] is None:
        pytest.skip("ruamel.yaml.clib is not installed")
    fast = load_text("w.yml", text)
    monkeypatch.setattr(load, "_fast_parser", lambda: (None, None))
    assert_same(text, fast, load_text("w.yml", text))


def test_c_and_pure_python_paths_agree_on_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = shared_path("corpus")
    if load._fast_parser()[1] is None:
        pytest.skip("ruamel.yaml.clib is not installed")
    # Every seventh file: a spread of projects, in a few seconds of pure-Python parsing.
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(corpus).rglob("*.y*ml"))[::7]]
    fast = [load_text("w.yml", t) for t in texts]
    monkeypatch.setattr(load, "_fast_parser", lambda: (None, None))
    slow = [load_text("w.yml", t) for t in texts]
    assert len(texts) > 50
    # ruamel's pure-Python scanner places some marks differently from libyaml (block
    # scalars after comments): the nodes, values, problems and expressions must agree.
    for text, a, b in zip(texts, fast, slow, strict=True):
        assert_same(text, a, b, positions=False)


@pytest.mark.parametrize(("levels", "too_deep"), [(MAX_DEPTH - 10, False), (MAX_DEPTH + 5, True)])
def test_flow_nesting_near_the_limit_is_measured(levels: int, too_deep: bool) -> None:
    doc = load_text("w.yml", "a: " + "[" * levels + "x" + "]" * levels + "\n")
    assert (doc.root is None) is too_deep
    messages = [p.message for p in doc.problems]
    assert messages == ([f"nesting is deeper than {MAX_DEPTH} levels"] if too_deep else [])


def test_block_nesting_past_the_limit_without_flow_or_anchors_is_caught() -> None:
    # Compact nested sequences: each `- ` opens a level on the same line.
    doc = load_text("w.yml", "- " * (MAX_DEPTH + 5) + "x\n")
    assert doc.root is None
    assert [p.message for p in doc.problems] == [f"nesting is deeper than {MAX_DEPTH} levels"]


def test_expression_braces_do_not_count_as_flow_nesting() -> None:
    # Hundreds of `${{ }}` in block context: scalars, not nesting, so the file is not
    # scanned event by event; the flow brackets that are real still count.
    steps = "".join(f"  - run: echo ${{{{ matrix.v{i} }}}}\n" for i in range(600))
    assert load._flow_openers("s:\n" + steps) == 0
    assert load._flow_openers("a: [{b: ${{ c }}}]\n") == 2
    doc = load_text("w.yml", "s:\n" + steps)
    assert doc.problems == [] and len(doc.expression_scalars) == 600


def test_expression_braces_in_flow_context_fail_before_nesting() -> None:
    # In a flow collection the `{` after `$` is a syntax error at once, however many
    # braces follow: not counting them as nesting is safe.
    text = "a: [" + "${{" * 20_000 + " x " + "}}" * 20_000 + "]\n"
    assert load._flow_openers(text) == 1  # composed at once, without the event scan
    doc = load_text("w.yml", text)
    assert doc.root is None
    assert [p.kind for p in doc.problems] == ["syntax"]
    assert "did not find expected ',' or ']'" in doc.problems[0].message
    # Nor can a tag or an anchor take the braces as a collection: both need a space.
    for prefix in ("!", "&a", "!!"):
        doc = load_text("w.yml", "a: [" + prefix + "${{" * 20_000 + "]\n")
        assert doc.root is None and [p.kind for p in doc.problems] == ["syntax"]
