"""Turning schema errors into findings a person can act on.

The errors are :mod:`actiongen.schema_errors`' (equal to jsonschema's, which tests hold
them to) or, for a schema that module cannot walk, jsonschema's own.

Each error names an instance path (``jobs/test/steps/2/with``) and the keyword that
failed.  Here the path becomes words ("step 3 of job `test`"), the keyword becomes a
sentence ("unknown key `stpes` ...; did you mean `steps`?"), and the path finds the
node to point at: the offending key for unknown keys, the value for wrong values, the
owner's key for missing keys.  Schemas may carry two annotations for this module:
``x-expected`` (what a value should be, in words), ``x-fix`` (how to mend such a value)
and ``x-misplaced`` (why a key that is valid elsewhere is wrong here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from actiongen.findings import Span
from actiongen.load import Mapping, Node, Scalar, Sequence

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from actiongen.schema_errors import SchemaError as ValidationError

    PathPart = str | int

EXPRESSION_PATTERN = r"\$\{\{"
#: Enums this short are listed in full in the message.
SHORT_ENUM = 8
#: Words people write for JSON types, mapped to the names GitHub uses.
_ALIASES = {"int": "number", "integer": "number", "float": "number", "bool": "boolean",
            "str": "string", "text": "string", "list": "choice", "enum": "choice"}
#: Strings people mean as booleans (YAML 1.1 habits), by what they mean.
_BOOLEAN_WORDS = {"true": "true", "false": "false", "yes": "true", "no": "false",
                  "on": "true", "off": "false", "y": "true", "n": "false"}
_TYPE_WORDS = {
    "object": "a mapping", "array": "a list", "string": "a string", "number": "a number",
    "integer": "a whole number", "boolean": "`true` or `false`", "null": "empty",
}
_FIXES_FOR_MISSING = {
    "on": "add `on:` with the events that trigger the workflow, e.g. `on: push`",
    "jobs": "add `jobs:` with at least one job",
    "runs-on": "add `runs-on:` with a runner label, e.g. `runs-on: ubuntu-latest` "
    "(or call a reusable workflow with `uses:`)",
    "steps": "add `steps:` with at least one `run:` or `uses:` step",
    "options": "list the choices under `options:`",
    "type": "add `type:` (`string`, `boolean` or `number`)",
    "value": "add `value:`, e.g. `${{ jobs.build.outputs.version }}`",
    "shell": "add `shell: bash` (composite action steps must name their shell)",
    "image": "add `image:` with the container image",
    "cron": "add `cron:` with a cron expression, e.g. `cron: '0 3 * * 1'`",
    "workflows": "add `workflows:` with the names of the workflows to follow",
}


class Problem:
    """One schema problem, ready to become a finding."""

    __slots__ = ("at", "fix", "job", "message", "step")

    def __init__(self, at: Node | Span, message: str, fix: str, job: str | None,
                 step: str | None) -> None:
        self.at = at
        self.message = message
        self.fix = fix
        self.job = job
        self.step = step


def instance_type(value: Any) -> str:
    """How a message names the kind of a YAML value."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` most likely meant, if one is close enough."""
    options = list(candidates)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    alias = _ALIASES.get(word.lower())
    if alias in options:
        return alias
    import difflib  # only when a name is unknown

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def code_list(items: Iterable[str]) -> str:
    """``a``, ``b``, ``c`` as inline code, comma-separated."""
    return ", ".join(f"`{i}`" for i in items)


def _schema(error: ValidationError) -> dict[str, Any]:
    """The subschema whose keyword failed (always an object in our schemas)."""
    schema = error.schema
    return dict(schema) if isinstance(schema, dict) else {}


def _expected_value(error: ValidationError) -> Any:
    """The failed keyword's value in the schema (e.g. the list of an ``enum``)."""
    return error.validator_value


class Explainer:
    """Explains the errors of one document (workflow or action metadata)."""

    def __init__(self, kind: str, root: Node, data: Any) -> None:
        self.kind = kind
        self.root = root
        self.data = data
        self.suggested: set[tuple[tuple[PathPart, ...], str]] = set()

    # ------------------------------------------------------------ paths to things
    def node_at(self, path: list[PathPart]) -> Node | None:
        """The YAML node at an instance path, or None if the path leaves the tree."""
        node: Node | None = self.root
        for part in path:
            if isinstance(node, Mapping) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, Sequence) and isinstance(part, int) and part < len(node.items):
                node = node.items[part]
            else:
                return None
        return node

    def value_at(self, path: list[PathPart]) -> Any:
        """The plain value at an instance path, or None."""
        value = self.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def key_node(self, path: list[PathPart], key: str) -> Scalar | None:
        """The node of ``key`` in the mapping at ``path``."""
        owner = self.node_at(path)
        return owner.key_node(key) if isinstance(owner, Mapping) else None

    def anchor(self, path: list[PathPart]) -> Node | Span:
        """Where to point for a problem with the whole value at ``path``.

        A collection under a key points at the key; a mapping in a list points at its
        first key; a scalar points at itself.
        """
        node = self.node_at(path)
        if isinstance(node, Scalar):
            return node
        if path and isinstance(path[-1], str):
            key = self.key_node(path[:-1], path[-1])
            if key is not None:
                return key
        if isinstance(node, Mapping) and node.pairs:
            return node.pairs[0][0]
        if node is not None:
            return Span.point(node.span.line, node.span.column)
        return Span.point(1, 1)

    def job_of(self, path: list[PathPart]) -> str | None:
        """The id of the job the path is inside, for the finding's ``job``."""
        if self.kind == "workflow" and len(path) >= 2 and path[0] == "jobs":
            return str(path[1])
        return None

    @staticmethod
    def step_label(step: Any) -> str | None:
        """How messages name a step, as the model does: its name, id or action."""
        if isinstance(step, dict):
            for key in ("name", "id", "uses"):
                value = step.get(key)
                if isinstance(value, str) and value:
                    return value
        return None

    def step_of(self, path: list[PathPart]) -> str | None:
        """The label of the step the path is inside, for the finding's ``step``."""
        at = 3 if self.kind == "workflow" else 2
        if len(path) <= at or path[at - 1] != "steps":
            return None
        index = path[at]
        if not isinstance(index, int):
            return None
        return self.step_label(self.value_at(path[: at + 1])) or f"step {index + 1}"

    def describe(self, path: list[PathPart]) -> str:
        """Words for the thing at ``path``: "job `test`", "step 2 of job `test`"..."""
        if not path:
            return "the workflow" if self.kind == "workflow" else "the action metadata"
        head, rest = path[:-1], path[-1]
        if isinstance(rest, int):
            return self._describe_item(head, rest)
        parent = head[-1] if head else None
        if self.kind == "workflow":
            if head == ["jobs"]:
                return f"job `{rest}`"
            if head == ["on"]:
                return f"event `{rest}`"
            if len(head) == 3 and head[0] == "on" and parent in ("inputs", "outputs", "secrets"):
                noun = {"inputs": "input", "outputs": "output", "secrets": "secret"}[str(parent)]
                return f"{noun} `{rest}` of `{head[1]}`"
            if len(head) == 3 and head[0] == "jobs" and parent == "services":
                return f"service `{rest}` of job `{head[1]}`"
        elif head in (["inputs"], ["outputs"]):
            return f"{str(parent)[:-1]} `{rest}`"
        if len(head) == 0:
            return f"`{rest}`"
        return f"`{rest}` of {self.describe(head)}"

    def _describe_item(self, head: list[PathPart], index: int) -> str:
        parent = head[-1] if head else None
        if parent in ("steps", "parallel"):
            label = self.step_label(self.value_at([*head, index]))
            noun = "parallel step" if parent == "parallel" else "step"
            named = f"{noun} `{label}`" if label else f"{noun} {index + 1}"
            return f"{named} of {self.describe(head[:-1])}"
        if head == ["on", "schedule"]:
            return f"schedule {index + 1}"
        return f"item {index + 1} of {self.describe(head)}"

    def subject(self, path: list[PathPart]) -> str:
        """The value at ``path`` as the subject of a sentence."""
        if not path or isinstance(path[-1], int) or self._is_entity(path):
            return self.describe(path)
        return f"`{path[-1]}` in {self.describe(path[:-1])}"

    def _is_entity(self, path: list[PathPart]) -> bool:
        head = path[:-1]
        if self.kind == "workflow":
            return head in (["jobs"], ["on"]) or (
                len(head) == 3 and head[0] == "on" and head[-1] in ("inputs", "outputs", "secrets")
            ) or (len(head) == 3 and head[0] == "jobs" and head[-1] == "services")
        return head in (["inputs"], ["outputs"])

    # ------------------------------------------------------------ errors to problems
    def problems(self, errors: Iterable[ValidationError]) -> list[Problem]:
        """Every error as a worded problem, without duplicates or consequential noise."""
        flat = list(self._flatten(errors))
        unknown_at = {
            tuple(e.absolute_path) for e in flat if e.validator == "additionalProperties"
        }
        # A misspelt key also leaves the key it meant missing; report the typo only.
        self.suggested = {
            (tuple(e.absolute_path), guess)
            for e in flat if e.validator == "additionalProperties"
            for guess in self._guesses(e)
        }
        out: list[Problem] = []
        seen: set[tuple[int, int, str]] = set()
        for error in flat:
            path = list(error.absolute_path)
            if self._is_step_without_action(error) and tuple(path) in unknown_at:
                continue  # the unknown key is almost surely a misspelt `run` or `uses`
            for problem in self.explain(error):
                span = problem.at if isinstance(problem.at, Span) else problem.at.span
                key = (span.line, span.column, problem.message)
                if key not in seen:
                    seen.add(key)
                    out.append(problem)
        return out

    def _flatten(self, errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
        # anyOf/oneOf list every branch's failure; keep the one that best explains it.
        from actiongen.schema_errors import best_match

        for error in errors:
            if error.validator in ("anyOf", "oneOf") and error.context and not (
                self._is_step_without_action(error)
            ):
                best = best_match(error.context)
                if best is not None:
                    yield from self._flatten([best])
                    continue
            yield error

    @staticmethod
    def _is_step_without_action(error: ValidationError) -> bool:
        return error.validator == "anyOf" and all(
            isinstance(s, dict) and set(s) == {"required"} for s in _expected_value(error)
        )

    def explain(self, error: ValidationError) -> list[Problem]:
        """One error in words, pointing at the node it concerns."""
        path = list(error.absolute_path)
        validator = str(error.validator)
        if "propertyNames" in error.schema_path:
            return [self._bad_key_name(error, path)]
        handler = getattr(self, f"_on_{validator}", None)
        if handler is not None:
            result: list[Problem] = handler(error, path)
            return result
        return [self.problem(self.anchor(path), f"{self.subject(path)}: {error.message}",
                             "correct the value", path)]

    def problem(self, at: Node | Span, message: str, fix: str, path: list[PathPart]) -> Problem:
        """A problem at ``at``, attributed to the job and step of ``path``."""
        return Problem(at, message, fix, self.job_of(path), self.step_of(path))

    @staticmethod
    def _unknown_keys(error: ValidationError) -> list[str]:
        known = _schema(error).get("properties", {})
        instance = error.instance if isinstance(error.instance, dict) else {}
        return [k for k in instance if k not in known]

    def _guesses(self, error: ValidationError) -> list[str]:
        known = list(_schema(error).get("properties", {}))
        misplaced = _schema(error).get("x-misplaced", {})
        guesses = [did_you_mean(k, known) for k in self._unknown_keys(error) if k not in misplaced]
        return [g for g in guesses if g]

    def _on_additionalProperties(
        self, error: ValidationError, path: list[PathPart]
    ) -> list[Problem]:
        known = list(_schema(error).get("properties", {}))
        misplaced: dict[str, str] = _schema(error).get("x-misplaced", {})
        out = []
        for key in self._unknown_keys(error):
            at: Node | Span = self.key_node(path, key) or self.anchor(path)
            where = self.describe(path)
            if key in misplaced:
                message = f"{misplaced[key]} ({where})"
                fix = f"remove `{key}`"
            else:
                noun = self._key_noun(path)
                guess = did_you_mean(key, known)
                message = f"unknown {noun} `{key}` in {where}"
                if path == ["on"]:
                    message = f"unknown event `{key}`"
                if guess:
                    message += f"; did you mean `{guess}`?"
                    fix = f"rename it to `{guess}`"
                elif len(known) <= 12:
                    fix = f"remove it, or use one of: {code_list(known)}"
                else:
                    fix = "remove it, or use a key GitHub documents here"
            out.append(self.problem(at, message, fix, path))
        return out

    def _key_noun(self, path: list[PathPart]) -> str:
        if path and path[-1] == "permissions":
            return "permission scope"
        return "key"

    def _on_required(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        instance = error.instance if isinstance(error.instance, dict) else {}
        out = []
        for key in _expected_value(error):
            if key in instance or (tuple(path), key) in self.suggested:
                continue
            where = self.describe(path)
            message = f"`{key}` is required in {where}"
            if key == "options":
                message += " (its type is `choice`)"
            fix = _FIXES_FOR_MISSING.get(key, f"add `{key}:`")
            out.append(self.problem(self.anchor(path), message, fix, path))
        return out

    def _on_anyOf(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        # Only reached for "one of these keys is required" (a step without run/uses).
        keys = [k for s in _expected_value(error) for k in s["required"]]
        alternatives = " or ".join(f"`{k}`" for k in keys)
        message = f"{self.subject(path)} has no {alternatives}: a step runs a command or an action"
        fix = "add `run:` with a command, or `uses:` with an action"
        return [self.problem(self.anchor(path), message, fix, path)]

    def _expected(self, error: ValidationError) -> str:
        expected = _schema(error).get("x-expected")
        if isinstance(expected, str):
            return expected
        types = _schema(error).get("type")
        names = [types] if isinstance(types, str) else list(types or [])
        words = [_TYPE_WORDS.get(t, t) for t in names]
        if len(words) > 1:
            return ", ".join(words[:-1]) + " or " + words[-1]
        return words[0] if words else "a different value"

    def _on_type(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        expected = self._expected(error)
        message = f"{self.subject(path)} must be {expected}, not {instance_type(error.instance)}"
        if isinstance(error.instance, list) and "single value" in expected:
            fix = "write one value (join the items into one string)"
        else:
            fix = f"use {expected}"
        return [self.problem(self.anchor(path), message, fix, path)]

    def _on_pattern(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        expected = self._expected(error)
        value = error.instance
        if _expected_value(error) == EXPRESSION_PATTERN:
            message = f"{self.subject(path)} must be {expected}, not a string"
            fix = self._literal_fix(error, str(value), expected)
        else:
            message = f"{self.subject(path)} must be {expected}, not `{value}`"
            fix = _schema(error).get("x-fix") or f"use {expected}"
        return [self.problem(self.anchor(path), message, fix, path)]

    @staticmethod
    def _literal_fix(error: ValidationError, value: str, expected: str) -> str:
        """How to write a string that should have been a number, boolean or list."""
        types = _schema(error).get("type", [])
        text = value.strip()
        if "boolean" in types:
            word = _BOOLEAN_WORDS.get(text.lower())
            if word is not None and text != word:
                return (f"write `{word}`: GitHub reads YAML 1.2, where `{text}` is a string, "
                        "not a boolean")
            if word is not None:
                return f"write `{word}` without quotes"
        if "number" in types:
            try:
                float(text)
            except ValueError:
                pass
            else:
                return f"write `{text}` without quotes"
        if "array" in types:
            return f"make it a list: `[{text}]`"
        return f"use {expected}"

    def _on_enum(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        options = [str(v) for v in _expected_value(error)]
        value = error.instance
        shown = f"`{value}`" if isinstance(value, str) else instance_type(value)
        guess = did_you_mean(value, options) if isinstance(value, str) else None
        if self.kind == "workflow" and path and path[0] == "on" and len(path) <= 2 and (
            "push" in options
        ):
            message = f"unknown event {shown}"
            fix = (f"use `{guess}`" if guess else
                   "use an event GitHub documents (push, pull_request, workflow_dispatch, ...)")
        elif len(options) <= SHORT_ENUM:
            message = f"{self._enum_subject(path)} must be one of {code_list(options)}, not {shown}"
            fix = f"use `{guess}`" if guess else f"use one of {code_list(options)}"
            if path and path[-1] == "permissions":
                fix += ", `{}` (no permissions), or a mapping of scopes such as `contents: read`"
        else:
            message = f"{self._enum_subject(path)} cannot be {shown}"
            fix = f"use one of {code_list(options)}"
        if guess and guess != value:
            message += f"; did you mean `{guess}`?"
        return [self.problem(self.anchor(path), message, fix, path)]

    def _enum_subject(self, path: list[PathPart]) -> str:
        if len(path) >= 2 and path[-2] == "permissions" and isinstance(path[-1], str):
            owner = self.describe(path[:-2]) if path[:-2] else "the workflow"
            return f"permission `{path[-1]}` in {owner}"
        if path and path[-1] == "permissions":
            return f"`permissions` in {self.describe(path[:-1])}" if path[:-1] else "`permissions`"
        if len(path) >= 3 and path[0] == "on" and "types" in path:
            return f"an activity type of `{path[1]}`"
        return self.subject(path)

    def _on_const(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        want = _expected_value(error)
        message = f"{self.subject(path)} must be `{want}`, not `{error.instance}`"
        return [self.problem(self.anchor(path), message, f"use `{want}`", path)]

    def _on_not(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        keys = _expected_value(error).get("required", []) if isinstance(
            _expected_value(error), dict) else []
        if len(keys) == 2:
            first, second = keys
            message = f"`{first}` and `{second}` cannot both be used in {self.describe(path)}"
            fix = f"keep only `{first}`; exclude with `!pattern` entries inside it"
            at = self.key_node(path, second) or self.anchor(path)
            return [self.problem(at, message, fix, path)]
        return [self.problem(self.anchor(path), f"{self.subject(path)}: {error.message}",
                             "correct the value", path)]

    def _on_minProperties(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        noun = "job" if path == ["jobs"] else "entry"
        message = f"{self.subject(path)} must have at least one {noun}"
        return [self.problem(self.anchor(path), message, f"add a {noun}, or remove the key", path)]

    def _on_minItems(self, error: ValidationError, path: list[PathPart]) -> list[Problem]:
        message = f"{self.subject(path)} must not be an empty list"
        return [self.problem(self.anchor(path), message, "add an item, or remove the key", path)]

    def _bad_key_name(self, error: ValidationError, path: list[PathPart]) -> Problem:
        key = str(error.instance)
        expected = self._expected(error)
        noun = "job id" if path == ["jobs"] else "key"
        at = self.key_node(path, key) or self.anchor(path)
        return self.problem(at, f"{noun} `{key}` is not valid: use {expected}",
                            f"rename `{key}`", [*path, key])


