"""A fast JSON-LD → RDF dataset for credentials whose contexts are all pinned.

pyld's ``to_rdf`` expands the whole document into a generic tree (deep copies, a keyword
dispatch per key, IRI expansion per key), builds a node map from that and only then writes
triples: about four fifths of a canonicalisation. Credentials use a small part of JSON-LD:
terms, ``id``/``type`` aliases, type- and property-scoped contexts, ``@graph`` containers
(``proof``, ``verifiableCredential``). This module walks such a document once and writes the
triples straight away, following pyld's expansion step by step (same sorted key order, same
context processing, same value conversion through pyld's own functions) and reusing the
processed contexts that ``linkeddata`` memoises. What follows from a processed context and
a node's keys alone (IRI expansions, the node's shape: its context, type keys and the layout
of its properties) is remembered per processed context, so an issuing pays for its values,
not for working out the same credential shape again.

Anything outside that subset (inline ``@context`` inside the document, value objects,
``@list``/``@language``/``@index`` containers, language or direction defaults, ``@json``,
reverse or nested properties, blank node labels written in the document, values that pyld's
node map would merge in a type-dependent way, any pyld error) raises :class:`Unsupported`
and the caller uses pyld itself. ``test_cred_fastrdf`` checks that the canonical N-Quads
equal pyld's on generated credentials.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.nquads import escape

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_KEEP_CONTAINERS = frozenset({"@set", "@graph"})

_Caches = tuple[
    Any,
    dict[tuple[str, bool, bool], Any],
    dict[str, Any],
    dict[str, Any],
    dict[tuple[str | None, bool], Any],
    dict[tuple[tuple[str, ...], ...], Any],
    dict[tuple[str | None, tuple[str, ...]], Any],
    dict[str, tuple[str, tuple[str, str], bool]],
]
# (context for its values, graph container?, type mapping, strings get a language?, for plain
# string literals (suffix, type compared, datatype) else None, caches of the value context)
_Plan = tuple[Any, bool, Any, bool, tuple[str, Any, str] | None, Any]
# (caches of the context with the type-scoped contexts applied, identifier key,
# [(key, predicate, term plan or None for a type)])
_Layout = tuple[_Caches, str | None, list[tuple[str, str | None, _Plan | None]]]
# (caches of the node's context, type keys, layouts by type names)
_Shape = tuple[_Caches, tuple[str, ...], dict[tuple[tuple[str, ...], ...], _Layout]]
_CACHES: dict[int, _Caches] = {}
_CACHES_MAX = 4096
# A shape holds its layouts (one per set of type names, nearly always one): at most
# _CACHES_MAX layouts per context, like the other caches.
_LAYOUTS_PER_SHAPE = 8
_SHAPES_MAX = _CACHES_MAX // _LAYOUTS_PER_SHAPE
_ABSOLUTE: dict[str, bool] = {}
_PROCESSED: dict[tuple[int, int, bool, bool], tuple[Any, Any, Any]] = {}
_TOP_SHAPES: dict[
    tuple[int, str, tuple[Any, ...], tuple[str, ...]],
    tuple[Any, _Shape],
] = {}


def _escape(value: str) -> str:
    """pyld's N-Quads escaping, skipped for the strings (nearly all) that need none."""
    if "\\" in value or '"' in value or "\n" in value or "\r" in value or "\t" in value:
        return str(escape(value))
    return value


class Unsupported(Exception):  # a signal to fall back, not a failure
    """The document uses JSON-LD this fast path does not reproduce; use pyld."""


def _caches(ctx: Any) -> _Caches:
    """(context, expanded IRIs, term plans, key kinds, node contexts by property, node
    contexts by types, node shapes, type objects) per processed context.
    Contexts are frozen and memoised, so what is worked out from one holds while the entry
    (which keeps the context alive, so its id is not reused) lives. A plain dict: a lost race
    computes twice."""
    known = _CACHES.get(id(ctx))
    if known is not None and known[0] is ctx:
        return known
    if len(_CACHES) >= _CACHES_MAX:
        _CACHES.clear()
    entry: _Caches = (ctx, {}, {}, {}, {}, {}, {}, {})
    _CACHES[id(ctx)] = entry
    return entry


def _remember(cache: dict[Any, Any], key: Any, value: Any, limit: int = _CACHES_MAX) -> None:
    """Keys come from documents (identifiers, undefined terms): keep each cache bounded."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value


def _is_absolute(value: str) -> bool:
    known = _ABSOLUTE.get(value)
    if known is None:
        known = bool(jsonld._is_absolute_iri(value))
        _remember(_ABSOLUTE, value, known)
    return known


def _type_names(value: Any) -> tuple[str, ...]:
    """The names a node's type key holds, sorted (what its type-scoped contexts follow)."""
    if type(value) is str:
        return (value,)
    if type(value) is list and len(value) == 1 and type(value[0]) is str:
        return (value[0],)
    return tuple(sorted([t for t in _arrayify(value) if isinstance(t, str)]))


def _arrayify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resource(value: str) -> Any:
    """An IRI as written in N-Quads, or ``(label,)`` for a blank node (relabelled later)."""
    return (value,) if value.startswith("_:") else "<" + value + ">"


class _Walk:
    """One document's walk; ``graphs`` maps graph name → {dedup key: quad}, a quad being
    (subject, predicate, object, literal, value) with N-Quads terms; for a literal object,
    pyld's form of it (kept for the rare hand-over to pyld's canonicaliser) and the JSON
    value it came from (pyld merges equal values of different JSON types: those fall back)."""

    def __init__(self, processor: Any, options: dict[str, Any]) -> None:
        self.processor = processor
        self.options = options
        self.base = options.get("base", "")
        self.graphs: dict[str, dict[tuple[Any, ...], Any]] = {"@default": {}}
        self.blank = 0

    def iri(self, ctx: Any, value: str, *, vocab: bool = False, base: bool = False) -> Any:
        cache = _caches(ctx)[1]
        key = (value, vocab, base)
        if key in cache:
            return cache[key]
        kwargs: dict[str, Any] = {"vocab": vocab}
        if base:
            kwargs["base"] = self.base
        expanded = self.processor._expand_iri(ctx, value, **kwargs)
        _remember(cache, key, expanded)
        return expanded

    def key_kind(self, ctx: Any, key: str) -> tuple[str, str | None]:
        """How pyld treats a node's key: ("drop", None), ("@id", None), ("@type", None), or
        ("term", predicate as written in N-Quads, None for a blank node predicate)."""
        kinds = _caches(ctx)[3]
        known = kinds.get(key)
        if known is not None:
            return known  # type: ignore[no-any-return]
        expanded = self.iri(ctx, key, vocab=True)
        if expanded is None or not (_is_absolute(expanded) or jsonld._is_keyword(expanded)):
            known = ("drop", None)
        elif expanded in ("@id", "@type"):
            known = (expanded, None)
        elif expanded.startswith("@"):
            raise Unsupported(f"keyword {expanded}")
        else:
            known = ("term", None if expanded.startswith("_:") else "<" + expanded + ">")
        _remember(kinds, key, known)
        return known

    def node_iri(self, ctx: Any, value: Any, *, vocab: bool = False) -> str:
        if not isinstance(value, str):
            raise Unsupported("non-string identifier")
        expanded = self.iri(ctx, value, vocab=vocab, base=True)
        if not isinstance(expanded, str) or expanded.startswith(("_:", "@")):
            raise Unsupported("blank node label or keyword as identifier")
        return expanded

    def new_blank(self) -> str:
        self.blank += 1
        return f"_:f{self.blank}"

    def process(
        self, ctx: Any, local: Any, *, propagate: bool = True, override_protected: bool = False
    ) -> Any:
        key = (id(ctx), id(local), propagate, override_protected)
        hit = _PROCESSED.get(key)
        if hit is not None and hit[0] is ctx and hit[1] is local:
            return hit[2]
        result = self.processor._process_context(
            ctx, local, self.options, propagate=propagate, override_protected=override_protected
        )
        _remember(_PROCESSED, key, (ctx, local, result))
        return result

    def emit(
        self, graph: str, subject: Any, predicate: str | None, obj: Any, key: Any,
        literal: Any = None,
    ) -> None:
        """Add a quad unless pyld's node map would drop or merge it. ``subject`` and
        ``predicate`` are None when pyld would not write them (relative IRIs, blank node
        predicates); ``key`` is what pyld compares values by."""
        if subject is None or predicate is None:
            return
        triples = self.graphs.get(graph)
        if triples is None:
            triples = self.graphs[graph] = {}
        dedup = (subject, predicate, key)
        known = triples.get(dedup)
        if known is not None:
            if type(known[4]) is not type(key[1]):
                raise Unsupported("values pyld's node map merges across JSON types")
            return
        if key[0] == "I" and not _is_absolute(key[1]):
            return
        triples[dedup] = (subject, predicate, obj, literal, key[1])

    def node(
        self,
        caches: _Caches,
        active_property: str | None,
        element: dict[str, Any],
        graph: str,
        top: bool = False,
    ) -> str:
        """Walk a node object as pyld's ``_expand`` would; return its subject. ``caches``
        are those of the active context (``caches[0]``)."""
        keys = tuple(element)
        shape: _Shape | None
        if top:
            shape = self.top_shape(caches[0], element, keys)
        else:
            shapes = caches[6]
            shape = shapes.get((active_property, keys))
            if shape is None:
                shape = self.shape(caches[0], active_property, keys)
                _remember(shapes, (active_property, keys), shape, _SHAPES_MAX)
        entered_caches, type_keys, layouts = shape
        if not type_keys:
            signature: tuple[tuple[str, ...], ...] = ()
        elif len(type_keys) == 1:
            signature = (_type_names(element[type_keys[0]]),)
        else:
            signature = tuple([_type_names(element[key]) for key in type_keys])
        layout = layouts.get(signature)
        if layout is None:
            known = entered_caches[5].get(signature) if type_keys else entered_caches
            typed_caches = self.typed(entered_caches, signature) if known is None else known
            layout = (typed_caches, *self.layout(typed_caches, keys))
            _remember(layouts, signature, layout, _LAYOUTS_PER_SHAPE)
        return self.properties(layout, entered_caches, element, graph)

    def typed(self, caches: _Caches, signature: tuple[tuple[str, ...], ...]) -> _Caches:
        """The caches of the context with the type-scoped contexts of these types applied."""
        get = jsonld.JsonLdProcessor.get_context_value
        entered = typed = caches[0]
        for kind in (kind for group in signature for kind in group):
            scoped = get(entered, kind, "@context")
            if scoped is not None and scoped is not False:
                typed = self.process(typed, scoped, propagate=False)
        typed_caches = _caches(typed)
        _remember(caches[5], signature, typed_caches)
        return typed_caches

    def top_shape(
        self, active_ctx: Any, element: dict[str, Any], keys: tuple[str, ...]
    ) -> _Shape:
        """``shape`` of the document itself, with its ``@context`` applied; remembered per
        context URLs (pinned, so the processed context is a function of them) and keys."""
        urls = tuple(_arrayify(element.get("@context", [])))
        by_url = all(type(url) is str for url in urls)
        key = (id(active_ctx), self.base, urls, keys)
        known = _TOP_SHAPES.get(key) if by_url else None
        if known is not None and known[0] is active_ctx:
            return known[1]
        entered = self.shape(active_ctx, None, keys, top=True)[0][0]
        if "@context" in element:
            entered = self.processor._process_context(entered, element["@context"], self.options)
        shape: _Shape = (_caches(entered), self.type_keys(entered, keys), {})
        if by_url:
            _remember(_TOP_SHAPES, key, (active_ctx, shape), _SHAPES_MAX)
        return shape

    def shape(
        self, active_ctx: Any, active_property: str | None, keys: tuple[str, ...],
        top: bool = False,
    ) -> _Shape:
        """What a node with these keys (in this order) under ``active_property`` gets, as
        pyld's ``_expand`` works it out from the keys alone: the context its properties are
        expanded in (before type-scoped contexts), its type keys, sorted, and an empty
        dict for its layouts by type names. A function of the context and the keys, so it is
        worked out once per shape."""
        get = jsonld.JsonLdProcessor.get_context_value
        property_scoped = get(active_ctx, active_property, "@context")
        type_scoped = active_ctx if active_ctx.get("previousContext") else None
        must_revert = True
        if type_scoped and len(keys) <= 2 and "@context" not in keys:
            for key in sorted(keys):
                expanded = self.iri(type_scoped, key, vocab=True)
                if expanded == "@value":
                    raise Unsupported("value object")
                if expanded == "@id" and len(keys) == 1:
                    must_revert = False
                    break
        if "@context" in keys and not top:
            raise Unsupported("a context inside the document")
        by_property = _caches(active_ctx)[4]
        entered = by_property.get((active_property, must_revert))
        if entered is None:
            entered = active_ctx
            if must_revert and "previousContext" in entered:
                entered = entered["previousContext"]
            if property_scoped is not None:
                entered = self.process(entered, property_scoped, override_protected=True)
            _remember(by_property, (active_property, must_revert), entered)
        return _caches(entered), (() if top else self.type_keys(entered, keys)), {}

    def type_keys(self, active_ctx: Any, keys: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(
            key for key in sorted(keys)
            if key != "@context" and self.key_kind(active_ctx, key)[0] == "@type"
        )

    def properties(
        self, layout: _Layout, type_caches: _Caches, element: dict[str, Any], graph: str
    ) -> str:
        """Write a node's properties: ``layout`` is the caches of its context with the
        type-scoped contexts applied, its identifier key and its properties in order;
        ``type_caches`` those of the context its types expand in. Types and plain strings,
        most of a credential, are added here as ``emit`` would add them."""
        caches, id_key, entries = layout
        if id_key is None:
            self.blank += 1
            subject = f"_:f{self.blank}"
            written: Any = (subject,)
        else:
            subject = self.node_iri(caches[0], element[id_key])
            written = _resource(subject) if _is_absolute(subject) else None
        graphs = self.graphs
        triples = graphs.get(graph)
        emit = self.emit
        for key, predicate, plan in entries:
            value = element[key]
            if plan is None:
                objects = type_caches[7]
                for kind in value if isinstance(value, list) else (value,):
                    known = objects.get(kind) if type(kind) is str else None
                    if known is None:
                        expanded = self.node_iri(type_caches[0], kind, vocab=True)
                        known = (_resource(expanded), ("I", expanded), _is_absolute(expanded))
                        _remember(objects, kind, known)
                    if written is None:
                        continue
                    if triples is None:
                        triples = graphs.get(graph)
                        if triples is None:
                            triples = graphs[graph] = {}
                    if not known[2]:
                        continue
                    dedup: tuple[Any, ...] = (written, _RDF_TYPE, known[1])
                    same = triples.get(dedup)
                    if same is None:
                        triples[dedup] = (written, _RDF_TYPE, known[0], None, known[1][1])
                    elif type(same[4]) is not str:
                        raise Unsupported("values pyld's node map merges across JSON types")
                continue
            if isinstance(value, list):
                items: Any = self.flat(value)
            elif value is None:
                continue
            else:
                items = (value,)
            in_graph, text, term_caches = plan[1], plan[4], plan[5]
            for item in items:
                if in_graph:
                    if not isinstance(item, dict):
                        raise Unsupported("a graph container holding a value")
                    named = self.new_blank()
                    emit(graph, written, predicate, (named,), ("I", named))
                    self.node(term_caches, key, item, named)
                elif text is not None and type(item) is str:
                    if written is None or predicate is None:
                        continue
                    if triples is None:
                        triples = graphs.get(graph)
                        if triples is None:
                            triples = graphs[graph] = {}
                    dedup = (written, predicate, ("L", item, text[1]))
                    same = triples.get(dedup)
                    if same is None:
                        triples[dedup] = (written, predicate, '"' + _escape(item) + '"' + text[0],
                                          (item, text[2]), item)
                    elif type(same[4]) is not str:
                        raise Unsupported("values pyld's node map merges across JSON types")
                elif isinstance(item, dict):
                    child = self.node(term_caches, key, item, graph)
                    emit(graph, written, predicate, _resource(child), ("I", child))
                else:
                    self.value(plan, key, item, graph, written, predicate)
        return subject

    def layout(
        self, caches: _Caches, keys: tuple[str, ...]
    ) -> tuple[str | None, list[tuple[str, str | None, _Plan | None]]]:
        """A node's properties in pyld's order, worked out once per context and keys: the
        key that holds its identifier, then (key, predicate, term plan or None for a type)
        per property that is not dropped."""
        id_key = None
        entries: list[tuple[str, str | None, _Plan | None]] = []
        active_ctx, terms = caches[0], caches[2]
        for key in sorted(keys):
            if key == "@context":
                continue
            kind, predicate = self.key_kind(active_ctx, key)
            if kind == "drop":
                continue
            if kind == "@id":
                if id_key is not None:
                    raise Unsupported("colliding @id")
                id_key = key
            elif kind == "@type":
                entries.append((key, None, None))
            else:
                plan = terms.get(key)
                if plan is None:
                    plan = self.plan(active_ctx, key)
                    _remember(terms, key, plan)
                entries.append((key, predicate, plan))
        return id_key, entries

    def plan(self, active_ctx: Any, key: str) -> _Plan:
        """What a term means in a context, worked out once: (context for its values, whether
        it is a graph container, its type mapping, whether strings get a language, for a
        term whose strings are plain literals (suffix after the quoted string, type for
        comparing values, datatype) else None, and the caches of the context for its
        values)."""
        get = jsonld.JsonLdProcessor.get_context_value
        mapping = active_ctx["mappings"].get(key)
        if mapping and mapping.get("reverse"):
            raise Unsupported("reverse property")
        term_ctx = active_ctx
        scoped = get(active_ctx, key, "@context")
        if scoped is not None:
            term_ctx = self.process(active_ctx, scoped, propagate=True, override_protected=True)
        container = set(_arrayify(get(active_ctx, key, "@container"))) - {None}
        if container != set(_arrayify(get(term_ctx, key, "@container"))) - {None}:
            raise Unsupported("a scoped context changes the container")
        if not container <= _KEEP_CONTAINERS or get(active_ctx, key, "@type") == "@json":
            raise Unsupported("container or @json term")
        if jsonld._is_keyword(self.iri(term_ctx, key, vocab=True)):
            raise Unsupported("keyword property value")
        kind = get(term_ctx, key, "@type")
        if kind == "@json":
            raise Unsupported("@json value")
        tagged = get(term_ctx, key, "@language") is not None or (
            get(term_ctx, key, "@direction") is not None
        )
        typed = kind if kind not in (None, "@id", "@vocab", "@none") else None
        text = None
        if kind not in ("@id", "@vocab") and not (typed is None and tagged) and (
            typed != XSD_DOUBLE
        ):
            datatype = typed or XSD_STRING
            suffix = "" if datatype in (XSD_STRING, RDF_LANGSTRING) else "^^<" + datatype + ">"
            text = (suffix, typed, datatype)
        return term_ctx, "@graph" in container, kind, tagged, text, _caches(term_ctx)

    def flat(self, value: Any) -> list[Any]:
        if isinstance(value, list):
            return [leaf for item in value for leaf in self.flat(item)]
        return [] if value is None else [value]

    def value(
        self,
        plan: _Plan,
        key: str,
        value: Any,
        graph: str,
        subject: Any,
        predicate: str | None,
    ) -> None:
        """pyld's ``_expand_value`` followed by its ``_object_to_rdf``."""
        ctx, _, kind, tagged, _, _ = plan
        if kind in ("@id", "@vocab") and isinstance(value, str):
            target = self.node_iri(ctx, value, vocab=kind == "@vocab")
            self.emit(graph, subject, predicate, _resource(target), ("I", target))
            return
        typed = kind if kind not in (None, "@id", "@vocab", "@none") else None
        if isinstance(value, str):
            if typed is None and tagged:
                raise Unsupported("language or direction")
            if typed != XSD_DOUBLE:
                datatype = typed or XSD_STRING
                written = '"' + _escape(value) + '"'
                if datatype not in (XSD_STRING, RDF_LANGSTRING):
                    written += "^^<" + datatype + ">"
                compared = ("L", value, typed)
                self.emit(graph, subject, predicate, written, compared, (value, datatype))
                return
        elif not isinstance(value, (bool, int, float)):
            raise Unsupported("not a JSON scalar")
        expanded: dict[str, Any] = {"@value": value}
        if typed is not None:
            expanded["@type"] = typed
        literal = self.processor._object_to_rdf(expanded, None, [], self.options)
        compared = ("L", value, typed)
        self.emit(graph, subject, predicate, _literal(literal), compared, literal)


class Canonicaliser(URDNA2015):  # type: ignore[misc]  # pyld is untyped
    """pyld's RDFC-1.0, without a deep copy per blank node component in the first-degree
    hash: components are flat dicts of strings, so a shallow copy is the same."""

    def modify_first_degree_component(self, id_: str, component: Any, key: str) -> Any:
        if component["type"] != "blank node":
            return component
        return {**component, "value": "_:a" if component["value"] == id_ else "_:z"}


Dataset = dict[str, list[tuple[Any, str, Any, Any, Any]]]


def to_dataset(processor: Any, document: Any, options: dict[str, Any]) -> Dataset:
    """The RDF dataset pyld's ``to_rdf`` gives for ``document``, or :class:`Unsupported`.

    ``processor`` is the memoising pyld processor of ``linkeddata`` and ``options`` the
    options it normalises with."""
    if not isinstance(document, dict) or "@context" not in document:
        raise Unsupported("not a single node with a context")
    contexts = _arrayify(document["@context"])
    if not all(isinstance(c, str) and c.startswith("https://") for c in contexts):
        raise Unsupported("contexts other than pinned URLs")
    full = {
        "base": "",
        "processingMode": "json-ld-1.1",
        "isFrame": False,
        "keepFreeFloatingNodes": False,
        "extractAllScripts": True,
        "rdfDirection": None,
        **options,
    }
    walk = _Walk(processor, full)
    try:
        initial = _caches(processor._get_initial_context(full))
        walk.node(initial, None, document, "@default", top=True)
    except jsonld.JsonLdError as exc:
        raise Unsupported("pyld refused part of it") from exc
    return {name: list(triples.values()) for name, triples in walk.graphs.items() if triples}


def canonical_nquads(dataset: Dataset) -> str:
    """RDFC-1.0 N-Quads of ``dataset``, as pyld's URDNA2015 writes them.

    Credentials almost always take the algorithm's simple path: every blank node has its own
    first-degree hash, and the canonical labels follow the sorted hashes. That path is done
    here on pre-rendered quads; when two blank nodes share a hash, pyld's full algorithm
    (the n-degree hashes) runs instead."""
    fixed: list[str] = []
    # A quad with one blank node, as its subject or object in the default graph (nearly all
    # of them), is kept as the text before and after that node; other quads whole.
    subjects: list[tuple[str, str]] = []
    objects: list[tuple[str, str]] = []
    quads: list[tuple[Any, str, Any, Any]] = []
    mentions: dict[str, list[str]] = {}
    for graph, triples in dataset.items():
        name = None if graph == "@default" else _resource(graph)
        tail = " .\n" if name is None else None if type(name) is tuple else f" {name} .\n"
        for triple in triples:
            subject, predicate, obj = triple[0], triple[1], triple[2]
            if tail is not None and type(subject) is str and type(obj) is str:
                fixed.append(f"{subject} {predicate} {obj}{tail}")
            elif name is None and type(obj) is str:
                rest = f" {predicate} {obj} .\n"
                subjects.append((subject[0], rest))
                mentions.setdefault(subject[0], []).append("_:a" + rest)
            elif name is None and type(subject) is str:
                head = f"{subject} {predicate} "
                objects.append((head, obj[0]))
                mentions.setdefault(obj[0], []).append(head + "_:a .\n")
            else:
                quad = (subject, predicate, obj, name)
                quads.append(quad)
                for term in (subject, obj, name):
                    if type(term) is tuple:
                        mentions.setdefault(term[0], []).append(
                            _first_degree_line(quad, term[0])
                        )
    hashes: dict[str, str] = {}
    for blank, lines in mentions.items():
        lines.sort()
        hashes[blank] = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    if len(set(hashes.values())) != len(hashes):
        pyld_form = _pyld_dataset(dataset)
        return str(Canonicaliser().main(pyld_form, {"format": "application/n-quads"}))
    labels = {
        blank: f"_:c14n{n}"
        for n, (_, blank) in enumerate(sorted([(h, b) for b, h in hashes.items()]))
    }
    fixed.extend([labels[blank] + rest for blank, rest in subjects])
    fixed.extend([head + labels[blank] + " .\n" for head, blank in objects])
    fixed.extend([_line(quad, labels) for quad in quads])
    fixed.sort()
    return "".join(fixed)


def _first_degree_line(quad: tuple[Any, str, Any, Any], blank: str) -> str:
    """A quad as the first-degree hash of ``blank`` reads it: ``_:a`` for that blank node,
    ``_:z`` for any other."""
    subject, predicate, obj, graph = quad
    if type(subject) is tuple:
        subject = "_:a" if subject[0] == blank else "_:z"
    if type(obj) is tuple:
        obj = "_:a" if obj[0] == blank else "_:z"
    if graph is None:
        return f"{subject} {predicate} {obj} .\n"
    if type(graph) is tuple:
        graph = "_:a" if graph[0] == blank else "_:z"
    return f"{subject} {predicate} {obj} {graph} .\n"


def _pyld_dataset(dataset: Dataset) -> dict[str, list[Any]]:
    """The same dataset in pyld's form (dicts per term)."""

    def resource(term: Any) -> dict[str, str]:
        if isinstance(term, tuple):
            return {"type": "blank node", "value": term[0]}
        return {"type": "IRI", "value": term[1:-1]}

    def literal(form: Any) -> Any:
        if isinstance(form, tuple):
            return {"type": "literal", "value": form[0], "datatype": form[1]}
        return form

    return {
        graph: [
            {
                "subject": resource(subject),
                "predicate": resource(predicate),
                "object": literal(form) if form is not None else resource(obj),
            }
            for subject, predicate, obj, form, _ in triples
        ]
        for graph, triples in dataset.items()
    }


def _literal(component: dict[str, Any]) -> str:
    """A literal as written in N-Quads (pyld's ``serialize_nquad``)."""
    text: str = '"' + _escape(component["value"]) + '"'
    datatype = component["datatype"]
    if datatype == RDF_LANGSTRING:
        if component.get("language"):
            text += "@" + component["language"]
    elif datatype != XSD_STRING:
        text += "^^<" + datatype + ">"
    return text


def _line(quad: tuple[Any, str, Any, Any], labels: dict[str, str]) -> str:
    subject, predicate, obj, graph = quad
    if type(subject) is tuple:
        subject = labels[subject[0]]
    if type(obj) is tuple:
        obj = labels[obj[0]]
    if graph is None:
        return f"{subject} {predicate} {obj} .\n"
    if type(graph) is tuple:
        graph = labels[graph[0]]
    return f"{subject} {predicate} {obj} {graph} .\n"
