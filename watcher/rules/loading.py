"""Loading and validating rule files (YAML -> pydantic -> compiled ``Rule``).

Every problem is reported as ``path:line: message`` where ``line`` is the line of the
offending key or value. YAML is composed into nodes first (SafeLoader), which keep their
positions; the plain data built from them is validated by pydantic, and each error's
``loc`` is walked back through the data to find the node's line.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from watcher.errors import RuleError
from watcher.models import ADDED, Actor, KnownFigure
from watcher.rules._text import normalise
from watcher.rules.matching import (
    DURATION_KEYS,
    RULE_SUFFIXES,
    Condition,
    Entry,
    Rule,
    RuleSet,
    Term,
)

log = logging.getLogger("watcher.rules")

_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
MAX_RULE_NAME = 100
_MAX_NODES = 50_000        # guards against alias ("billion laughs") expansion
_GROUP_KEYS = ("all", "any", "none")
# libyaml's parser with the safe constructor when available (about 20x faster to compose).
_FastLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]


# --- problems ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleProblem:
    """One problem found in a rule file. ``line`` is 1-based; 0 when no line applies."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class LoadResult:
    rules: RuleSet
    problems: tuple[RuleProblem, ...]
    # the text of each file that loaded without problems (path -> text): its good version
    sources: Mapping[str, str] = field(default_factory=dict)


# --- schema --------------------------------------------------------------------------------

def _check_term(value: str) -> str:
    """A condition entry: a term, optionally a prefix ending in ``*``."""
    body = value[:-1].rstrip() if value.endswith("*") else value
    if not body:
        raise ValueError("a term must not be empty")
    if "*" in body:
        raise ValueError(f"'*' is only allowed at the end of a term (got {value!r})")
    if not _has_word(body):
        raise ValueError(f"a term needs at least one letter or digit (got {value!r})")
    return value


def _check_actor_name(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    if "*" in value:
        raise ValueError(f"'*' is not allowed in actor names and aliases (got {value!r})")
    if not _has_word(value):
        raise ValueError(f"needs at least one letter or digit (got {value!r})")
    return value


def _check_rule_name(value: str) -> str:
    if not _NAME_RE.fullmatch(value):
        raise ValueError(
            "must be lowercase letters, digits, '-' or '_', starting with a letter or digit "
            f"(got {value!r})"
        )
    if len(value) > MAX_RULE_NAME:
        raise ValueError(f"must be at most {MAX_RULE_NAME} characters (got {len(value)})")
    return value


def _has_word(value: str) -> bool:
    return any(tok != "." for tok in normalise(value).split())


def _entry_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "term"
    if isinstance(value, dict | _GroupModel):
        return "group"
    return None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True,
                              str_strip_whitespace=True)


_GroupList = Annotated[list["_Entry"], Field(min_length=1)]


class _GroupModel(_Model):
    all: _GroupList = Field(default_factory=list)
    any: _GroupList = Field(default_factory=list)
    none: _GroupList = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> _GroupModel:
        if not (self.all or self.any or self.none):
            raise ValueError("empty group: give it `all`, `any` or `none` with a list of entries")
        return self


_Entry = Annotated[
    Annotated[Annotated[str, AfterValidator(_check_term)], Tag("term")]
    | Annotated[_GroupModel, Tag("group")],
    Discriminator(
        _entry_kind,
        custom_error_type="entry_type",
        custom_error_message="must be a term or a group such as {any: [...]}",
    ),
]
_GroupModel.model_rebuild()

class _MatchModel(_GroupModel):
    within: Literal["item", "lead"] = "item"


_ActorName = Annotated[str, AfterValidator(_check_actor_name)]
_Text = Annotated[str, Field(min_length=1)]


class _SourceModel(_Model):
    publisher: str | None = None
    title: str | None = None
    published: datetime | date | str | None = None
    url: str | None = None


class _ActorModel(_Model):
    name: _ActorName
    kind: Literal["country", "organisation", "person", "place"]
    aliases: list[_ActorName] = Field(default_factory=list)
    role: str | None = None


class _FigureModel(_Model):
    value: float = Field(strict=True, allow_inf_nan=False)
    key: _Text
    quantity: _Text
    qualifier: str | None = None
    said_by: str | None = None


class _AlertFiguresModel(_Model):
    only: list[_Text] | None = None
    ignore: list[_Text] | None = None
    near: list[Annotated[str, AfterValidator(_check_term)]] | None = None


class _RuleModel(_Model):
    name: Annotated[str, AfterValidator(_check_rule_name)]
    description: str | None = None
    source: _SourceModel | None = None
    match: _MatchModel
    known_actors: list[_ActorModel] = Field(default_factory=list)
    known_figures: list[_FigureModel] = Field(default_factory=list)
    alert_figures: _AlertFiguresModel | None = None


def _fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


# --- YAML with positions -------------------------------------------------------------------

class _Problems(Exception):
    """Internal: the file has problems; carries (line, message) pairs."""

    def __init__(self, items: list[tuple[int, str]]):
        super().__init__(items)
        self.items = items


class _Document:
    """Plain data built from YAML nodes, with the line of every key and value."""

    def __init__(self) -> None:
        self.data: Any = None
        self.root_line = 1
        # path -> (line of the key or list item, line where the value starts)
        self.lines: dict[Path_, tuple[int, int]] = {}
        self.problems: list[tuple[int, str]] = []
        self._nodes = 0

    def line_of(self, path: Path_, *, key: bool = False) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        if not path:
            return self.root_line
        key_line, value_line = self.lines[path]
        return key_line if key else value_line


def _compose(text: str) -> _Document:
    doc = _Document()
    root, loader = _single_node(text)
    try:
        if root is None:
            raise _Problems([(1, "the file is empty; a rule needs at least `name` and `match`")])
        doc.root_line = root.start_mark.line + 1
        doc.data = _build(loader, doc, root, (), set())
    finally:
        loader.dispose()
    return doc


def _single_node(text: str) -> tuple[yaml.Node | None, yaml.SafeLoader]:
    """Compose the document; the caller disposes of the returned loader."""
    fast: yaml.SafeLoader = _FastLoader(text)
    try:
        return fast.get_single_node(), fast
    except yaml.YAMLError:
        fast.dispose()
    # Invalid YAML: parse again with the pure-Python loader, whose messages are clearer.
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node(), loader
    except yaml.MarkedYAMLError as exc:
        loader.dispose()
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise _Problems([(line, f"YAML syntax error: {_yaml_message(exc)}")]) from None
    except yaml.YAMLError as exc:
        loader.dispose()
        raise _Problems([(1, f"YAML error: {exc}")]) from None


def _build(loader: yaml.SafeLoader, doc: _Document, node: yaml.Node, path: Path_,
           active: set[int]) -> Any:
    doc._nodes += 1
    if doc._nodes > _MAX_NODES:
        raise _Problems([(node.start_mark.line + 1,
                          "the file is too large or uses too many YAML aliases")])
    if id(node) in active:
        raise _Problems([(node.start_mark.line + 1, "a YAML alias refers to itself")])
    in_match = bool(path) and path[0] == "match"
    if isinstance(node, yaml.ScalarNode):
        if in_match and node.tag != "tag:yaml.org,2002:null":
            # Condition entries are text as written: `- 1500` or `- yes` are terms.
            return node.value
        try:
            value = loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            doc.problems.append((node.start_mark.line + 1, f"YAML error: {_yaml_message(exc)}"))
            return None
        except (ValueError, OverflowError) as exc:  # e.g. a date like 2024-13-45
            where = _show_path(path)
            doc.problems.append((node.start_mark.line + 1,
                                 f"{where + ': ' if where else ''}invalid value {node.value!r} ({exc})"))
            return None
        return value
    active.add(id(node))
    try:
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            for i, child in enumerate(node.value):
                line = child.start_mark.line + 1
                doc.lines[(*path, i)] = (line, line)
                items.append(_build(loader, doc, child, (*path, i), active))
            return items
        if isinstance(node, yaml.MappingNode):
            try:
                loader.flatten_mapping(node)  # YAML merge keys (<<)
            except yaml.YAMLError as exc:
                doc.problems.append((node.start_mark.line + 1, _yaml_message(exc)))
                return {}
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    doc.problems.append((key_line, f"{_show_path(path) or 'key'}: "
                                         "keys must be plain text"))
                    continue
                key = key_node.value
                sub = (*path, key)
                if key in mapping:
                    first = doc.lines[sub][0]
                    doc.problems.append(
                        (key_line, f"{_show_path(sub)}: duplicate key (first given on line {first})"))
                    continue
                doc.lines[sub] = (key_line, value_node.start_mark.line + 1)
                mapping[key] = _build(loader, doc, value_node, sub, active)
            return mapping
        doc.problems.append((node.start_mark.line + 1, "unsupported YAML node"))
        return None
    finally:
        active.discard(id(node))


def _yaml_message(exc: yaml.YAMLError) -> str:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return str(exc)
    msg = exc.problem or exc.context or "invalid YAML"
    if exc.problem and exc.context:
        if not exc.context.startswith("while"):
            return f"{exc.context}, {exc.problem}"
        ctx_line = exc.context_mark.line + 1 if exc.context_mark is not None else None
        where = f" that starts on line {ctx_line}" if ctx_line is not None else ""
        msg += f" ({exc.context}{where})"
    return msg


# --- error messages ------------------------------------------------------------------------

def _show_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, date):
        return value.isoformat()
    return type(value).__name__


def _allowed_keys(path: Path_) -> tuple[str, ...]:
    if not path:
        return _fields(_RuleModel)
    if path[0] == "match":
        return (*_GROUP_KEYS, "within") if path == ("match",) else _GROUP_KEYS
    if path[0] == "source":
        return _fields(_SourceModel)
    if path[0] == "known_actors":
        return _fields(_ActorModel)
    if path[0] == "known_figures":
        return _fields(_FigureModel)
    if path[0] == "alert_figures":
        return _fields(_AlertFiguresModel)
    return ()


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"\s*[-+]?[\d.,_ ]*\d[\d.,_ ]*\s*", text))


def _resolve(data: Any, loc: tuple[str | int, ...]) -> Path_:
    """Walk a pydantic ``loc`` through the data; skip parts that are union tags etc."""
    path: list[str | int] = []
    cur = data
    for part in loc:
        in_dict = isinstance(cur, dict) and isinstance(part, str) and part in cur
        in_list = isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        if not (in_dict or in_list):
            continue
        cur = cur[part]
        path.append(part)
    return tuple(path)


def _describe(doc: _Document, err: ErrorDetails) -> tuple[int, str]:
    kind = err["type"]
    loc = tuple(err["loc"])
    path = _resolve(doc.data, loc)
    got = _show(err.get("input"))
    ctx = err.get("ctx") or {}
    if kind == "missing":
        field = str(loc[-1]) if loc else "?"
        where = _show_path(path)
        msg = f"missing required key '{field}'"
        line = doc.line_of(path) if path else 1
        return line, f"{where}: {msg}" if where else msg
    if kind == "extra_forbidden":
        parent, key = path[:-1], str(path[-1]) if path else str(loc[-1])
        allowed = _allowed_keys(parent)
        msg = f"unknown key '{key}'"
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
        if close:
            msg += f" (did you mean '{close[0]}'?)"
        elif allowed:
            msg += f" (expected one of: {', '.join(allowed)})"
        where = _show_path(parent)
        return doc.line_of(path, key=True), f"{where}: {msg}" if where else msg
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        msg = f"must be one of {', '.join(choices)} (got {got})"
    elif kind == "string_type":
        msg = f"must be text (got {got})"
    elif kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        msg = f"must be a number (got {got})"
        if isinstance(err.get("input"), str) and _looks_numeric(err["input"]):
            msg += "; write it without quotes or separators, e.g. 1500"
    elif kind == "finite_number":
        msg = f"must be a finite number (got {got})"
    elif kind == "list_type":
        msg = f"must be a list (got {got})"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        if path and path[0] == "match":
            msg = f"must be a group with `all`, `any` and/or `none` (got {got})"
        else:
            msg = f"must be a mapping of keys to values (got {got})"
    elif kind == "too_short":
        msg = "must not be empty; list at least one entry"
    elif kind == "string_too_short":
        msg = "must not be empty"
    elif kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
    elif kind == "entry_type":
        msg = f"{err['msg']} (got {got})"
    else:
        text = err["msg"]
        msg = f"{text[:1].lower()}{text[1:]} (got {got})"
    where = _show_path(path)
    line = doc.line_of(path) if path else doc.root_line
    return line, f"{where}: {msg}" if where else msg


# --- compiling a validated model into a Rule -----------------------------------------------

def _key(core: str, prefix: bool) -> str:
    return f" {core}" if prefix else f" {core} "


def _term(text: str, actors: dict[str, Actor]) -> Term:
    """A term as written: a prefix (``deploy*``), a known actor's name or alias (all of its
    names), or words."""
    if text.endswith("*"):
        return Term(label=text, keys=frozenset({_key(normalise(text[:-1]), True)}))
    core = normalise(text)
    actor = actors.get(core)
    if actor is None:
        return Term(label=text, keys=frozenset({_key(core, False)}))
    names = (actor.name, *actor.aliases)
    return Term(label=actor.name, keys=frozenset(_key(normalise(n), False) for n in names))


def _compile_group(model: _GroupModel, path: Path_, actors: dict[str, Actor]) -> Condition:
    def entries(name: str, items: list[Any]) -> Iterator[Entry]:
        for i, item in enumerate(items):
            if isinstance(item, _GroupModel):
                yield _compile_group(item, (*path, name, i), actors)
            else:
                yield _term(item, actors)

    return Condition(
        all=tuple(entries("all", model.all)),
        any=tuple(entries("any", model.any)),
        none=tuple(entries("none", model.none)),
    )


def _compile(doc: _Document, model: _RuleModel, path: str) -> Rule:
    problems: list[tuple[int, str]] = []
    actors: dict[str, Actor] = {}
    owner: dict[str, int] = {}
    actor_list: list[Actor] = []
    for i, am in enumerate(model.known_actors):
        names = [("name", None, am.name), *(("aliases", j, a) for j, a in enumerate(am.aliases))]
        aliases: list[str] = []
        own: set[str] = set()
        for field_name, j, written in names:
            core = normalise(written)
            where: Path_ = ("known_actors", i, field_name) if j is None else (
                "known_actors", i, field_name, j)
            if core in own:
                # Another spelling of this actor's own name (e.g. with a hyphen): the
                # matcher treats them alike, but keep it for readers of `aliases`.
                if j is not None and written != am.name and written not in aliases:
                    aliases.append(written)
                continue
            if core in owner:
                other = model.known_actors[owner[core]].name
                problems.append((doc.line_of(where),
                                 f"{_show_path(where)}: {written!r} is already a name of "
                                 f"known_actors[{owner[core]}] ({other!r})"))
                continue
            own.add(core)
            owner[core] = i
            if j is not None:
                aliases.append(written)
        actor = Actor(name=am.name, kind=am.kind, aliases=tuple(aliases), role=am.role or None)
        actor_list.append(actor)
        for core in own:
            actors[core] = actor

    condition = _compile_group(model.match, ("match",), actors)
    if condition.required_keys() is None:
        line = doc.line_of(("match",), key=True)
        if not (model.match.all or model.match.any):
            problems.append((line, "match: needs `all` or `any`; a rule with only `none` "
                                   "would match almost every item"))
        else:
            problems.append((line, "match: the condition can hold for an item that contains "
                                   "none of its terms; require at least one term"))
    if problems:
        raise _Problems(problems)

    source: dict[str, Any] | None = None
    if model.source is not None:
        source = {}
        for key, value in model.source.model_dump(exclude_unset=True).items():
            source[key] = value.isoformat() if isinstance(value, date) else value

    figures = tuple(
        KnownFigure(key=_figure_key(f.key, f.qualifier), value=float(f.value), quantity=f.quantity,
                    said_by=f.said_by or None)
        for f in model.known_figures
    )
    wanted = model.alert_figures or _AlertFiguresModel()
    return Rule(
        name=model.name,
        path=path,
        description=model.description or "",
        source=source,
        condition=condition,
        known_actors=tuple(actor_list),
        known_figures=figures,
        name_line=doc.lines.get(("name",), (1, 1))[0],
        figures_only=None if wanted.only is None else frozenset(k.casefold() for k in wanted.only),
        figures_ignored=DURATION_KEYS if wanted.ignore is None else frozenset(
            k.casefold() for k in wanted.ignore),
        within=model.match.within,
        figures_near=None if wanted.near is None else frozenset(
            key for text in wanted.near for key in _term(text, actors).keys),
    )


# --- public API ----------------------------------------------------------------------------

def _figure_key(key: str, qualifier: str | None) -> str:
    """A known figure's key; "more" (another 3,000) makes it an increment's, as extraction
    does (files seeded before increments had a key of their own say `key: troops`)."""
    key = key.casefold()
    if (qualifier or "").strip().casefold() == "more" and not key.endswith(ADDED):
        return key + ADDED
    return key


def parse_rule(text: str, path: str) -> Rule:
    """Validate rule-file ``text``; ``path`` is used for the rule and in messages.

    Raises ``RuleError`` whose ``problems`` are ``path:line: message`` strings.
    """
    result = _parse(text, path)
    if isinstance(result, Rule):
        return result
    raise RuleError([str(p) for p in result])


def load_rule_file(path: Path) -> Rule:
    """Read and validate one rule file. Raises ``RuleError`` listing every problem found."""
    result = _load(path)
    if isinstance(result, Rule):
        return result
    raise RuleError([str(p) for p in result])


def _load(path: Path) -> Rule | list[RuleProblem]:
    text = _read(path)
    return text if isinstance(text, list) else _parse(text, str(path))


def _read(path: Path) -> str | list[RuleProblem]:
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [RuleProblem(shown, 0, f"cannot read the file: {exc.strerror or exc}")]
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return [RuleProblem(shown, line, "the file is not valid UTF-8 text")]


def _parse(text: str, shown: str) -> Rule | list[RuleProblem]:
    try:
        doc = _compose(text)
        problems = list(doc.problems)
        model: _RuleModel | None = None
        if not problems or isinstance(doc.data, dict):
            try:
                model = _RuleModel.model_validate(doc.data)
            except ValidationError as exc:
                problems.extend(_describe(doc, err) for err in exc.errors())
        if problems or model is None:
            raise _Problems(problems)
        return _compile(doc, model, shown)
    except RecursionError:
        return [RuleProblem(shown, 1, "the file is nested too deeply")]
    except _Problems as exc:
        items = sorted(dict.fromkeys(exc.items), key=lambda item: item[0])
        return [RuleProblem(shown, line, message) for line, message in items]


def load_rules(directory: Path, previous: RuleSet | None = None, *,
               last_good: Callable[[str], str | None] | None = None) -> LoadResult:
    """Load every ``*.yaml`` / ``*.yml`` file in ``directory`` (not recursive, sorted by name).

    A broken file is reported; if ``previous`` holds a rule loaded from that same file, that
    last good version stays active, else the text ``last_good(path)`` gives for it (what an
    earlier process saved of the result's ``sources``), if that text loads. When two files
    use the same rule name, the file that held it in ``previous`` keeps it (at start-up, the
    one whose saved good version has that name; else the first file), and the other is
    reported. A missing directory is reported and ``previous`` (if
    any) is kept as it is.
    """
    shown_dir = str(directory)
    problems: list[RuleProblem] = []
    try:
        if not directory.is_dir():
            why = "is not a directory" if directory.exists() else "does not exist"
            raise FileNotFoundError(why)
        files = sorted(
            (p for p in directory.iterdir()
             if p.suffix in RULE_SUFFIXES and not p.name.startswith(".") and p.is_file()),
            key=lambda p: p.name,
        )
    except OSError as exc:
        why = str(exc) if isinstance(exc, FileNotFoundError) and not exc.filename else (
            f"cannot be read: {exc.strerror or exc}")
        problems.append(RuleProblem(shown_dir, 0, f"rules directory {why}"))
        return LoadResult(previous if previous is not None else RuleSet(), tuple(problems))

    earlier: dict[Path, Rule] = {}
    if previous is not None:
        for rule in previous.rules:
            earlier[_real(Path(rule.path))] = rule

    loaded: list[tuple[Path, Rule]] = []
    sources: dict[str, str] = {}
    for file in files:
        text = _read(file)
        result = text if isinstance(text, list) else _parse(text, str(file))
        if isinstance(result, Rule):
            loaded.append((file, result))
            sources[str(_real(file))] = cast(str, text)
            continue
        problems.extend(result)
        kept = earlier.get(_real(file))
        if kept is None and last_good is not None:
            kept = _saved_version(file, last_good)
        if kept is not None:
            log.warning("%s is invalid; keeping its last good version (rule %r)", file, kept.name)
            loaded.append((file, kept))

    # A name given in several files belongs to the file that held it in the running rules
    # (a copy of a rule file sorted before it must not replace it), else to the first file.
    owner: dict[str, Path] = {}
    running = {rule.name: _real(Path(rule.path)) for rule in previous.rules} \
        if previous is not None else {}
    if previous is None and last_good is not None \
            and len({rule.name for _file, rule in loaded}) < len(loaded):
        # at start-up, the running rules are those an earlier process saved: a duplicate
        # created while it ran (and refused then) must not take the name over on a restart
        for file, rule in loaded:
            saved = _saved_version(file, last_good)
            if saved is not None and saved.name == rule.name:
                running.setdefault(rule.name, _real(file))
    for file, rule in loaded:
        if rule.name not in owner or running.get(rule.name) == _real(file):
            owner[rule.name] = file
    chosen: dict[str, Rule] = {}
    for file, rule in loaded:
        first = owner[rule.name]
        if file != first:
            problems.append(RuleProblem(
                str(file), rule.name_line,
                f"name: duplicate rule name '{rule.name}' (already used by {first})"))
            sources.pop(str(_real(file)), None)  # no good version of a refused file
            continue
        chosen[rule.name] = rule
    return LoadResult(RuleSet(chosen.values()), tuple(problems), sources)


def _saved_version(file: Path, last_good: Callable[[str], str | None]) -> Rule | None:
    """The rule of ``file``'s saved good version (None: none saved, or it no longer loads)."""
    try:
        saved = last_good(str(_real(file)))
    except Exception as exc:  # the store is an aid: without it the file is only reported
        log.warning("could not read the last good version of %s: %s", file, exc)
        return None
    if saved is None:
        return None
    rule = _parse(saved, str(file))
    return rule if isinstance(rule, Rule) else None


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
