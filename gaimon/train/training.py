"""Train the classifier's text model and keep versioned models under $GAIMON_HOME/models/.

Training data is the labelled JSONL under taxonomy/train/<lang>/ (files `train*.jsonl`; files
`dev*.jsonl` are held out for evaluation and never trained on), the real texts of
taxonomy/train/real/ (`train.jsonl`; labels their source cannot express are left out of the
loss, see gaimon/train/registers.py), plus analysts' corrections from the warehouse (`gaimon
label`). A model is a directory `models/<version>/` with one spaCy pipeline per language, the
taxonomy and rules it was built with, and meta.json; `models/current` names the model in use.

The version is a fingerprint of everything the model depends on, so a changed taxonomy, new
training data or new corrections give a new version, and documents are labelled again.
`load_or_train_classifier` trains on first use when no model fits the current taxonomy and data
(training takes well under a minute); models trained from the repository alone are also kept in
a cache shared between homes ($GAIMON_MODEL_CACHE, default ~/.cache/gaimon/models).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed

from gaimon import warehouse
from gaimon.classify import fanout
from gaimon.classify.classifier import CODE_FILES, Classifier, fingerprint
from gaimon.classify.decide import (
    CONFIG_FILE,
    RELEVANT,
    SCORED,
    ClassifierConfig,
    is_headline,
    load_config,
)
from gaimon.classify.langid import guess_lang
from gaimon.classify.nlp import EXPLAINER, TEXTCAT, build_pipeline
from gaimon.classify.textcat import Fit, fit
from gaimon.errors import GaimonError
from gaimon.home import Home
from gaimon.taxonomy import (
    LANGS,
    LEMMAS_FILE,
    LIST_DIMENSIONS,
    TAXONOMY_DIR,
    TAXONOMY_FILE,
    Taxonomy,
    load_lemmas,
    load_taxonomy,
    output_dimension,
)
from gaimon.train.registers import is_real, known

GOLD_DIR = TAXONOMY_DIR / "train"
REAL_DIR = "real"
HEADLINE_VIEW = "#headline"
# Part of every fingerprint; the classifier's code files are part of it too (CODE_FILES).
MODEL_FORMAT = "gaimon-classifier-1"
CURRENT = "current"


class GoldItem(BaseModel):
    """A labelled item: the classifier's output contract, with gold labels."""

    model_config = ConfigDict(extra="ignore")
    id: str
    text: str
    title: str = ""
    lang: str | None = None
    relevant: bool | None = None
    themes: list[str] = Field(default_factory=list)
    values: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    policy_options: list[str] = Field(default_factory=list)
    legal_frameworks: list[str] = Field(default_factory=list)
    kind: str | None = None
    # Real items only (taxonomy/train/real/): their source, and labels that are plausible but
    # not certain (unknown, neither positive nor negative).
    source_dataset: str | None = None
    weak_values: list[str] = Field(default_factory=list)
    weak_sectors: list[str] = Field(default_factory=list)
    orig_labels: dict = Field(default_factory=dict)

    @property
    def body(self) -> str:
        return f"{self.title}\n{self.text}"

    @property
    def is_relevant(self) -> bool:
        if self.relevant is not None:
            return self.relevant
        # Every real item is about AI, labelled or not.
        return self.source_dataset is not None or any(getattr(self, d) for d in LIST_DIMENSIONS)


class GoldError(GaimonError, ValueError):
    """A gold file line that is not a labelled item; the message says file and line."""


def read_gold(paths: Iterable[Path | str]) -> Iterator[GoldItem]:
    for path in paths:
        path = Path(path)
        lang = path.parent.name if path.parent.name in LANGS else None
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    item = GoldItem.model_validate_json(line)
                except ValidationError as exc:
                    raise GoldError(f"{path}:{number}: {exc.errors()[0]['msg']}") from exc
                if item.lang is None:
                    item.lang = lang
                yield item


def gold_files(split: str, root: Path = GOLD_DIR) -> list[Path]:
    """`train` or `dev` files of every language: `<lang>/<split>*.jsonl`."""
    return sorted(p for lang in LANGS for p in (root / lang).glob(f"{split}*.jsonl"))


def real_files(split: str, root: Path = GOLD_DIR) -> list[Path]:
    """`train` or `dev` split of the real, partially labelled texts."""
    path = root / REAL_DIR / f"{split}.jsonl"
    return [path] if path.exists() else []


def training_files() -> list[Path]:
    return [*gold_files("train"), *real_files("train")]


def training_items() -> list[GoldItem]:
    """The training files' items, plus the headline of every item not about AI as an item of
    its own: the real headlines are all about AI, and without headlines that are not, a title
    alone would look like AI to the model."""
    items = list(read_gold(training_files()))
    return items + [
        GoldItem(id=f"{i.id}{HEADLINE_VIEW}", title=i.title, text="", lang=i.lang, relevant=False)
        for i in items
        if not i.is_relevant and i.title and i.text
    ]


def title_views(items: Iterable[GoldItem]) -> list[GoldItem]:
    """The title alone of each of the project's items about AI that has a lead or an article,
    labelled as its item: headlines in the project's languages and registers. A title says less
    than its item, as a real headline says less than the incident it reports, so its labels are
    the ones a reader of the whole item would give."""
    return [
        i.model_copy(update={"id": f"{i.id}{HEADLINE_VIEW}", "text": ""})
        for i in items
        if i.is_relevant and not is_real(i) and i.title and not is_headline(i.text)
    ]


def dev_files() -> list[Path]:
    """Held out, never trained on: the project's dev split and the real texts' dev split."""
    return [*gold_files("dev"), *real_files("dev")]


def label_set(taxonomy: Taxonomy) -> list[str]:
    """What the text model predicts: relevance, every top-level node but themes (they follow
    from values), kinds."""
    labels = [RELEVANT]
    for dimension in (*SCORED, "kinds"):
        labels += [f"{output_dimension(dimension)}:{i}" for i in taxonomy.ids(dimension)]
    return labels


def gold_cats(item: GoldItem, labels: list[str]) -> dict[str, float]:
    """The item's truth per label; labels its source cannot express are left out (unknown)."""
    given = {RELEVANT} if item.is_relevant else set()
    if item.is_relevant:
        given |= {f"{d}:{i}" for d in LIST_DIMENSIONS for i in getattr(item, d)}
    if item.kind:
        given.add(f"kind:{item.kind}")
    return {label: float(label in given) for label in labels if _known(item, label)}


def _known(item: GoldItem, label: str) -> bool:
    if not item.is_relevant:
        return True  # not about AI: no label applies
    dimension, node = label.split(":", 1)
    return known(item, dimension, node)


def _prepare(nlp: Language, text: str):
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name != TEXTCAT:
            doc = proc(doc)
    return doc


def train_pipeline(
    lang: str,
    items: list[GoldItem],
    taxonomy: Taxonomy,
    lemmas: dict[str, str],
    config: ClassifierConfig,
    log: Callable[[str], None] = lambda _: None,
) -> Language:
    """One language's pipeline with its text classifier trained on `items`."""
    cfg = config.training
    fix_random_seed(cfg.seed)
    arch = {
        "@architectures": "gaimon.LemmaLogistic.v1",
        "ngram_size": cfg.ngram_size,
        "length": cfg.length,
        "lexicon": cfg.lexicon,
        "subwords": cfg.subwords,
        "nO": len(label_set(taxonomy)),
    }
    nlp = build_pipeline(lang, taxonomy, lemmas, textcat=arch)
    labels = label_set(taxonomy)
    docs = [_prepare(nlp, item.body) for item in items]
    cats = [gold_cats(item, labels) for item in items]
    textcat = nlp.get_pipe(TEXTCAT)
    sample = [
        Example.from_dict(doc.copy(), {"cats": c})
        for doc, c in zip(docs[:8], cats[:8], strict=True)
    ]
    textcat.initialize(lambda: sample, nlp=nlp, labels=labels)
    order = list(textcat.labels)
    truth = numpy.zeros((len(docs), len(order)), dtype="f")
    known = numpy.zeros_like(truth)
    weights = [cfg.real_weight if is_real(item) else 1.0 for item in items]
    for row, given in enumerate(cats):
        for column, label in enumerate(order):
            if label in given:  # left out: the item's source cannot say
                truth[row, column], known[row, column] = given[label], weights[row]
    fit(
        textcat.model,
        docs,
        truth,
        known,
        Fit(
            epochs=cfg.epochs,
            learn_rate=cfg.learn_rate,
            l2=cfg.l2,
            batch_size=cfg.batch_size,
            seed=cfg.seed,
            balance=cfg.balance,
        ),
        lambda m: log(f"{lang} {m}"),
    )
    nlp.add_pipe(EXPLAINER).fit(textcat.model, order, docs)
    return nlp


class TrainReport(BaseModel):
    version: str
    path: str
    items: dict[str, int]
    corrections: int
    seconds: float
    from_cache: bool = False


def base_fingerprint() -> str:
    """What a model trained from the repository depends on: data, taxonomy, rules and code."""
    parts = [MODEL_FORMAT.encode()]
    for path in [TAXONOMY_FILE, LEMMAS_FILE, CONFIG_FILE, *training_files()]:
        parts += [
            f"{path.parent.name}/{path.name}".encode(),
            path.read_bytes() if path.exists() else b"",
        ]
    for path in CODE_FILES:
        parts += [path.name.encode(), path.read_bytes()]
    return fingerprint(*parts)


def model_fingerprint(corrections: list[GoldItem]) -> str:
    payload = json.dumps(
        [c.model_dump() for c in sorted(corrections, key=lambda c: c.id)],
        sort_keys=True,
        ensure_ascii=False,
    )
    return (
        fingerprint(base_fingerprint().encode(), payload.encode())
        if corrections
        else base_fingerprint()
    )


def model_version(taxonomy: Taxonomy, fp: str) -> str:
    return f"{taxonomy.version}+{fp[:10]}"


def train_model(
    home: Home,
    corrections: list[GoldItem] | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> TrainReport:
    """Train both languages on taxonomy/train plus corrections; save and make it current."""
    started = time.perf_counter()
    corrections = corrections or []
    taxonomy, lemmas, config = load_taxonomy(), load_lemmas(), load_config()
    items = training_items() + corrections
    base, full = base_fingerprint(), model_fingerprint(corrections)
    version = model_version(taxonomy, full)
    counts = {}
    target = home.models / version
    staging = home.models / f".{version}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for lang in LANGS:
        mine = [i for i in items if (i.lang or "en") == lang]
        counts[lang] = len(mine)
        train_pipeline(lang, mine, taxonomy, lemmas[lang], config, log).to_disk(staging / lang)
    for source in (TAXONOMY_FILE, CONFIG_FILE, LEMMAS_FILE):
        if source.exists():
            shutil.copy2(source, staging / source.name)
    meta = {
        "version": version,
        "format": MODEL_FORMAT,
        "base_fingerprint": base,
        "fingerprint": full,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "items": counts,
        "corrections": len(corrections),
        "training": config.training.model_dump(),
    }
    (staging / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    _install(staging, target)
    set_current(home, version)
    if not corrections:
        _store_in_cache(target, base)
    return TrainReport(
        version=version,
        path=str(target),
        items=counts,
        corrections=len(corrections),
        seconds=round(time.perf_counter() - started, 1),
    )


def _install(staging: Path, target: Path) -> None:
    """Move a finished model into place; if another process got there first, keep theirs."""
    try:
        staging.rename(target)
    except OSError:
        if not (target / "meta.json").exists():
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
        else:
            shutil.rmtree(staging, ignore_errors=True)


def set_current(home: Home, version: str) -> None:
    pointer = home.models / CURRENT
    tmp = home.models / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    tmp.replace(pointer)


def current_model(home: Home) -> Path | None:
    pointer = home.models / CURRENT
    if not pointer.exists():
        return None
    path = home.models / pointer.read_text(encoding="utf-8").strip()
    return path if (path / "meta.json").exists() else None


def cache_dir() -> Path:
    chosen = os.environ.get("GAIMON_MODEL_CACHE")
    return Path(chosen) if chosen else Path.home() / ".cache" / "gaimon" / "models"


def _store_in_cache(model: Path, base: str) -> None:
    target = cache_dir() / base[:16]
    if (target / "meta.json").exists():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".{base[:16]}.{os.getpid()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(model, staging)
        _install(staging, target)
    except OSError:
        pass  # a cache that cannot be written only costs a retraining


def _from_cache(home: Home, base: str) -> TrainReport | None:
    cached = cache_dir() / base[:16]
    if not (cached / "meta.json").exists():
        return None
    meta = json.loads((cached / "meta.json").read_text(encoding="utf-8"))
    target = home.models / meta["version"]
    if not (target / "meta.json").exists():
        staging = home.models / f".{meta['version']}.{os.getpid()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(cached, staging)
        _install(staging, target)
    set_current(home, meta["version"])
    return TrainReport(
        version=meta["version"],
        path=str(target),
        items=meta["items"],
        corrections=0,
        seconds=0.0,
        from_cache=True,
    )


def ensure_model(
    home: Home,
    corrections: Callable[[], list[GoldItem]] | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> Path:
    """A model that fits the current taxonomy and data: the current one, a cached one, or a new
    one."""
    home.models.mkdir(parents=True, exist_ok=True)
    base = base_fingerprint()
    current = current_model(home)
    if current is not None:
        meta = json.loads((current / "meta.json").read_text(encoding="utf-8"))
        if meta.get("base_fingerprint") == base:
            return current
        log(f"model {meta.get('version')} is out of date (taxonomy or training data changed)")
    found = corrections() if corrections else []
    report = None if found else _from_cache(home, base)
    if report is None:
        log("training the classifier (first use, or the taxonomy or data changed)")
        report = train_model(home, found, log)
    return Path(report.path)


def autotrain_enabled() -> bool:
    return os.environ.get("GAIMON_AUTOTRAIN", "1").lower() not in ("0", "false", "no")


def load_or_train_classifier(home: Home, log: Callable[[str], None] = lambda _: None) -> Classifier:
    """The classifier to use in `home`: its trained model (trained now if needed), or the rules
    alone when automatic training is switched off (GAIMON_AUTOTRAIN=0) and no model fits."""
    if not autotrain_enabled():
        current = current_model(home)
        return Classifier(model_dir=current) if current else Classifier()
    return Classifier(
        model_dir=ensure_model(home, lambda: corrections_for_training(home, log=log), log)
    )


def corrections_for_training(
    home: Home,
    con: duckdb.DuckDBPyConnection | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> list:
    """Corrected documents as gold items: their stored labels, which reflect the corrections.

    Reads the warehouse if it can; a warehouse that is missing or locked by a writer gives none
    (and says so through `log`).
    """
    if con is None:
        if not home.warehouse.exists():
            return []
        try:
            with warehouse.open_warehouse(home.warehouse, read_only=True) as ro:
                return corrections_for_training(home, ro, log)
        except duckdb.Error as exc:
            log(f"analysts' corrections not read, the warehouse is not available: {exc}")
            return []
    try:
        rows = warehouse.query(con, "queries/labels_training")
    except duckdb.CatalogException:
        return []
    items = []
    for row in rows:
        gold = {d: [] for d in LIST_DIMENSIONS}
        kind = None
        for key in row["labels"] or []:
            dimension, label = key.split(":", 1)
            if dimension == "kind":
                kind = label
            elif dimension in gold:
                gold[dimension].append(label)
        title, text = row["title"] or "", row["text"] or ""
        lang = row["lang"] if row["lang"] in ("nl", "en") else guess_lang(f"{title}\n{text}")
        items.append(
            GoldItem(
                id=f"label:{row['doc_id']}",
                title=title,
                text=text,
                lang=lang,
                relevant=bool(row["relevant"]),
                kind=kind,
                **gold,
            )
        )
    return items


def load_or_train_model(home: Home) -> fanout.Model:
    """The home's model, trained now if none fits (only the writer may train: it reads the
    warehouse for analysts' corrections)."""
    return fanout.remember(load_or_train_classifier(home))
