"""spaCy components that turn the taxonomy's lexicons into evidence spans.

`gaimon_lemmatizer` sets lemmas from spaCy's lookup tables (spacy-lookups-data) plus the
project's own table (taxonomy/lemmas.yaml); `gaimon_lexicon` matches every lexicon term of the
taxonomy and keeps the hits as (key, start, end) token offsets in `doc.user_data`; `hits(doc)`
reads them with what each is evidence for (`values:privacy`), the node that lists the term
(`privacy.digital_clone`) and its strength, and `spans(doc)` turns them into spaCy spans for
inspection.

Both work per distinct word, not per token: results are cached by the word's hash, so a
600-word article costs a dictionary lookup per token on top of tokenizing; hits are kept as
plain tuples because building a Span object per hit costs as much as the matching.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy
import srsly
from spacy.attrs import IS_PUNCT, LEMMA, LIKE_NUM, LOWER, ORTH
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from gaimon.taxonomy import LexiconEntry

USER_DATA_KEY = "gaimon_lexicon"
# A cache larger than this is dropped rather than grown: it only saves recomputation.
MAX_CACHE = 500_000
POSSESSIVE = ("'s", "’s", "'", "’")
SIMPLE_COLUMNS = {"LOWER": 0, "ORTH": 1, "LEMMA": 2, "LIKE_NUM": 3}
# How many words may stand between a separable verb and its particle ("denken er nooit echt
# kritisch over na"); a punctuation mark ends the search, as the clause usually ends there.
SEPARABLE_WINDOW = 8


@Language.factory("gaimon_lemmatizer")
def make_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    return LookupLemmatizer(nlp.vocab, nlp.lang, name)


class LookupLemmatizer:
    """Lemmas by table lookup on the lower-cased word.

    spaCy's own lookup mode looks up the surface form, so `Ziekenhuizen` at the start of a
    sentence stays unlemmatised; here the lower-cased form is looked up, then the form without
    a possessive (`chatgpt's`), then the project's own table.
    """

    def __init__(self, vocab: Vocab, lang: str, name: str = "gaimon_lemmatizer"):
        self.vocab, self.lang, self.name = vocab, lang, name
        self.extra: dict[str, str] = {}
        self._table: Any = None
        self._cache: dict[int, int] = {}

    def add_forms(self, forms: dict[str, str]) -> None:
        self.extra.update({k.lower(): v.lower() for k, v in forms.items()})
        self._cache.clear()

    @property
    def table(self) -> Any:
        if self._table is None:
            self._table = load_lookups(self.lang, ["lemma_lookup"]).get_table("lemma_lookup")
        return self._table

    def lemma(self, lower: str) -> str:
        for form in (lower, _strip_possessive(lower)):
            found = self.extra.get(form) or self.table.get(form)
            if found:
                return found.lower()
        return _strip_possessive(lower)

    def _miss(self, key: int) -> int:
        if len(self._cache) > MAX_CACHE:
            self._cache.clear()
        lemma = self.vocab.strings.add(self.lemma(self.vocab.strings[key]))
        self._cache[key] = lemma
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        get, miss = self._cache.get, self._miss
        lemmas = [get(key) or miss(key) for key in doc.to_array(LOWER).tolist()]
        doc.from_array([LEMMA], numpy.asarray(lemmas, dtype="uint64").reshape(-1, 1))
        return doc

    def clear_cache(self) -> None:
        self._cache.clear()

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "forms.json", self.extra)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> LookupLemmatizer:
        self.add_forms(srsly.read_json(Path(path) / "forms.json"))
        return self


def _word_test(word: str) -> tuple[str, str]:
    """How one word of a wildcard phrase is tested: eq, start, end or in, and the text."""
    text = word.strip("*")
    if word.startswith("*") and word.endswith("*"):
        return "in", text
    if word.endswith("*"):
        return "start", text
    if word.startswith("*"):
        return "end", text
    return "eq", text


def _passes(test: tuple[str, str], word: str) -> bool:
    how, text = test
    if how == "eq":
        return word == text
    if how == "start":
        return word.startswith(text)
    if how == "end":
        return word.endswith(text)
    return text in word


def _strip_possessive(word: str) -> str:
    for ending in POSSESSIVE:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return word


@Language.factory("gaimon_lexicon")
def make_lexicon(nlp: Language, name: str) -> LexiconMatcher:
    return LexiconMatcher(nlp, name)


class LexiconMatcher:
    """Matches the taxonomy's lexicon entries and stores the hits as spans.

    Lemma terms go to a PhraseMatcher on LEMMA, exact terms to one on ORTH, token patterns to a
    Matcher; wildcard terms (`deepfake*`, `*chatbot`) are tested once per distinct word.
    """

    def __init__(self, nlp: Language, name: str = "gaimon_lexicon"):
        self.nlp, self.name = nlp, name
        self.entries: list[dict[str, Any]] = []
        self.separable: dict[str, str] = {}
        self._reset()

    def add_separable(self, verbs: dict[str, str]) -> None:
        """Verbs whose particle splits off (`nadenken: na`); call before `add_entries`. A lemma
        term ending in one also matches "denken ... kritisch na" and "kritisch na te denken"."""
        self.separable.update({verb.lower(): particle.lower() for verb, particle in verbs.items()})

    def _reset(self) -> None:
        vocab = self.nlp.vocab
        self.lemma_matcher = PhraseMatcher(vocab, attr="LEMMA")
        self.exact_matcher = PhraseMatcher(vocab, attr="ORTH")
        self.token_matcher = Matcher(vocab)
        # Wildcard terms: prefixes and suffixes by length (one dict lookup per length), infixes.
        self.prefixes: dict[int, dict[str, list[int]]] = {}
        self.suffixes: dict[int, dict[str, list[int]]] = {}
        self.infixes: list[tuple[str, int]] = []
        # Phrases with a wildcard word (`virtuele vriend*`), indexed by their first word's hash.
        self.wildphrases: dict[int, list[tuple[tuple[tuple[str, str], ...], int]]] = {}
        self.wildfirst: list[tuple[tuple[tuple[str, str], ...], int]] = []
        # Token patterns on words and numbers, matched on arrays; spaCy's Matcher (which makes
        # a Token object per token) only gets the patterns these cannot express.
        self.simple_patterns: dict[
            tuple[int, object], list[tuple[tuple[tuple[int, object], ...], int]]
        ] = {}
        # Split separable verbs, by the verb's lemma: (particle, words before the particle, key).
        self.split_verbs: dict[int, list[tuple[int, tuple[int, ...], int]]] = {}
        self.keys: dict[int, tuple[str, str, bool]] = {}
        self.ignored: set[int] = set()  # keys of phrases that are no evidence (see _outermost)
        self._affix_cache: dict[int, tuple[int, ...]] = {}

    def add_entries(self, entries: Iterable[LexiconEntry | dict[str, Any]]) -> None:
        rows = [e if isinstance(e, dict) else dict(e.__dict__) for e in entries]
        self.entries.extend(rows)
        grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for row in rows:
            strength = "ignore" if row.get("ignore") else "strong" if row["strong"] else "weak"
            grouped.setdefault((row["label"], row["node"], strength), []).append(row)
        for (label, node, strength), group in grouped.items():
            key_name = f"{label}|{node}|{strength}"
            key = self.nlp.vocab.strings.add(key_name)
            self.keys[key] = (label, node, strength == "strong")
            if strength == "ignore":
                self.ignored.add(key)
            self._add_group(key_name, key, group)
        self._affix_cache.clear()

    def _add_group(self, key_name: str, key: int, group: list[dict[str, Any]]) -> None:
        by_kind: dict[str, list[Any]] = {}
        for row in group:
            by_kind.setdefault(row["match"], []).append(row["pattern"])
        if "lemma" in by_kind:
            phrases = by_kind["lemma"] + [
                p for t in by_kind["lemma"] for p in self._add_split(t, key)
            ]
            self.lemma_matcher.add(key_name, [self._lemma_doc(t) for t in phrases])
        if "exact" in by_kind:
            self.exact_matcher.add(key_name, [self.nlp.make_doc(t) for t in by_kind["exact"]])
        for pattern in by_kind.get("pattern", []):
            compiled = self._compile(pattern)
            if compiled is None:
                self.token_matcher.add(key_name, [pattern])
            else:
                self.simple_patterns.setdefault(compiled[0], []).append((compiled, key))
        for term in by_kind.get("wildphrase", []):
            tests = tuple(_word_test(word) for word in term.lower().split())
            if tests[0][0] == "eq":
                first = self.nlp.vocab.strings.add(tests[0][1])
                self.wildphrases.setdefault(first, []).append((tests, key))
            else:
                self.wildfirst.append((tests, key))
        for term in by_kind.get("affix", []):
            lower = term.lower()
            text = lower.strip("*")
            if lower.startswith("*") and lower.endswith("*"):
                self.infixes.append((text, key))
            else:
                table = self.suffixes if lower.startswith("*") else self.prefixes
                table.setdefault(len(text), {}).setdefault(text, []).append(key)

    def _add_split(self, term: str, key: int) -> list[str]:
        """Register the split form of a term that ends in a separable verb; its `te` form."""
        *before, verb = term.lower().split()
        particle = self.separable.get(verb)
        if not particle or not verb.startswith(particle) or len(verb) <= len(particle):
            return []
        stem = verb[len(particle) :]
        strings = self.nlp.vocab.strings
        lemmas = (
            tuple(strings.add(t.lemma_) for t in self._lemma_doc(" ".join(before)))
            if before
            else ()
        )
        stem_lemma = strings.add(self._lemma_doc(stem)[0].lemma_)
        self.split_verbs.setdefault(stem_lemma, []).append((strings.add(particle), lemmas, key))
        return [" ".join([*before, particle, "te", stem])]

    def _lemma_doc(self, term: str) -> Doc:
        doc = self.nlp.make_doc(term)
        lemmatizer = next(
            (p for n, p in self.nlp.pipeline if isinstance(p, LookupLemmatizer)), None
        )
        if lemmatizer is None:
            raise ValueError("gaimon_lexicon needs gaimon_lemmatizer earlier in the pipeline")
        return lemmatizer(doc)

    def _affix_keys(self, lower_key: int) -> tuple[int, ...]:
        if len(self._affix_cache) > MAX_CACHE:
            self._affix_cache.clear()
        word = self.nlp.vocab.strings[lower_key]
        found: list[int] = []
        for size, table in self.prefixes.items():
            if len(word) >= size:
                found += table.get(word[:size], ())
        for size, table in self.suffixes.items():
            if len(word) >= size:
                found += table.get(word[-size:], ())
        found += [key for text, key in self.infixes if text in word]
        result = tuple(dict.fromkeys(found))
        self._affix_cache[lower_key] = result
        return result

    def matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        found = self.lemma_matcher(doc) + self.exact_matcher(doc)
        if len(self.token_matcher):
            found += self.token_matcher(doc)
        lowers = doc.to_array(LOWER).tolist()
        if self.prefixes or self.suffixes or self.infixes:
            cache, miss = self._affix_cache, self._affix_keys
            for i, lower in enumerate(lowers):
                keys = cache.get(lower)
                if keys is None:
                    keys = miss(lower)
                for key in keys:
                    found.append((key, i, i + 1))
        if self.wildphrases or self.wildfirst:
            found += self._wild_matches(lowers)
        if self.simple_patterns:
            found += self._simple_matches(doc)
        if self.split_verbs:
            found += self._split_matches(doc)
        kept = self._outermost(sorted(set(found), key=lambda m: (m[1], -m[2])))
        return self._without_ignored(kept) if self.ignored else kept

    def _without_ignored(self, kept: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Drop the ignored phrases and every hit of their label they cover, the same span
        included: "werkloosheidsuitkering" is one word, and so is the term "*werkloosheid*" in
        it."""
        label = self._label_of
        blocked = [(label(k), start, end) for k, start, end in kept if k in self.ignored]
        return [
            (k, start, end)
            for k, start, end in kept
            if k not in self.ignored
            and not any(lb == label(k) and s <= start and end <= e for lb, s, e in blocked)
        ]

    def _label_of(self, key: int) -> object:
        return self.keys[key][0] if key in self.keys else key

    def _outermost(self, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Drop a hit that lies inside a longer hit for the same label: the longer phrase is
        the reading that counts. "Autoriteit Persoonsgegevens" names a regulator (listed under
        `ignore`: no evidence of privacy) and is not also the clear term "persoonsgegevens"."""
        reach, kept = {}, []
        for key, start, end in found:  # by start, longest first
            label = self._label_of(key)
            outer = reach.get(label)
            if outer is not None and outer[1] >= end and (outer[0], outer[1]) != (start, end):
                continue
            if outer is None or end > outer[1]:
                reach[label] = (start, end)
            kept.append((key, start, end))
        return kept

    def _split_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        arr = doc.to_array([LEMMA, LOWER, IS_PUNCT])
        verbs = numpy.asarray(list(self.split_verbs), dtype="uint64")
        found = []
        for i in numpy.nonzero(numpy.isin(arr[:, 0], verbs))[0].tolist():
            for particle, before, key in self.split_verbs[int(arr[i, 0])]:
                for j in range(i + 1, min(len(arr), i + 1 + SEPARABLE_WINDOW)):
                    if arr[j, 2]:
                        break
                    if int(arr[j, 1]) != particle:
                        continue
                    first = j - len(before)
                    if first > i and all(
                        int(arr[first + k, 0]) == lemma for k, lemma in enumerate(before)
                    ):
                        found.append((key, i, j + 1))
                    break
        return found

    def _compile(self, pattern: list[dict[str, Any]]) -> tuple[tuple[int, object], ...] | None:
        """A pattern of {LOWER|ORTH|LEMMA: word} and {LIKE_NUM: true} tokens as (column, value)."""
        compiled = []
        strings = self.nlp.vocab.strings
        for token in pattern:
            if len(token) != 1:
                return None
            ((attr, value),) = token.items()
            attr = attr.upper()
            if attr in SIMPLE_COLUMNS and isinstance(value, str):
                word = value.lower() if attr == "LOWER" else value
                if attr == "LEMMA":
                    word = self._lemma_doc(value)[0].lemma_ if value.strip() else value
                compiled.append((SIMPLE_COLUMNS[attr], strings.add(word)))
            elif attr == "LIKE_NUM" and value is True:
                compiled.append((SIMPLE_COLUMNS[attr], 1))
            else:
                return None
        return tuple(compiled)

    def _simple_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        arr = doc.to_array([LOWER, ORTH, LEMMA, LIKE_NUM])
        firsts: dict[int, list[int]] = {}
        for column, value in self.simple_patterns:
            firsts.setdefault(column, []).append(value)
        found = []
        for column, values in firsts.items():
            hits = numpy.nonzero(numpy.isin(arr[:, column], numpy.asarray(values, dtype="uint64")))[
                0
            ]
            for i in hits.tolist():
                for compiled, key in self.simple_patterns[(column, int(arr[i, column]))]:
                    end = i + len(compiled)
                    if end <= len(arr) and all(
                        int(arr[j, c]) == v
                        for (c, v), j in zip(compiled, range(i, end), strict=True)
                    ):
                        found.append((key, i, end))
        return found

    def _wild_matches(self, lowers: list[int]) -> list[tuple[int, int, int]]:
        strings, found = self.nlp.vocab.strings, []
        for i, lower in enumerate(lowers):
            candidates = self.wildphrases.get(lower, [])
            if self.wildfirst:
                candidates = candidates + self.wildfirst
            for tests, key in candidates:
                end = i + len(tests)
                if end <= len(lowers) and all(
                    _passes(test, strings[lowers[j]])
                    for test, j in zip(tests, range(i, end), strict=True)
                ):
                    found.append((key, i, end))
        return found

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[USER_DATA_KEY] = self.matches(doc)
        return doc

    def hits(self, doc: Doc) -> list[tuple[str, str, bool, int, int]]:
        """(label, node, strong, start token, end token) of every hit in a processed doc."""
        keys = self.keys
        return [
            (*keys[key], start, end) for key, start, end in doc.user_data.get(USER_DATA_KEY, ())
        ]

    def spans(self, doc: Doc) -> list[Span]:
        """The hits as spans labelled `values:privacy`, span id `node|strong` or `node|weak`."""
        return [
            Span(doc, start, end, label=label, span_id=f"{node}|{'strong' if strong else 'weak'}")
            for label, node, strong, start, end in self.hits(doc)
        ]

    def clear_cache(self) -> None:
        """Forget cached affix hits (they stay valid across memory zones: keys are permanent)."""
        self._affix_cache.clear()

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "entries.json").write_text(
            json.dumps(self.entries, ensure_ascii=False), encoding="utf-8"
        )
        (path / "separable.json").write_text(
            json.dumps(self.separable, ensure_ascii=False), encoding="utf-8"
        )

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> LexiconMatcher:
        self.entries = []
        self._reset()
        separable = Path(path) / "separable.json"
        self.separable = (
            json.loads(separable.read_text(encoding="utf-8")) if separable.exists() else {}
        )
        self.add_entries(json.loads((Path(path) / "entries.json").read_text(encoding="utf-8")))
        return self
