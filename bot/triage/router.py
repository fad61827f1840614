"""Which triage protocol a resident's words are about: a learned router beside the lexicon.

Keyword matching alone chose badly when a message names a body part that belongs to another
complaint ("rinnassa kyhmy" is not chest pain, "kielessä haava" is not an injury, itchy eyes with
hay fever are not an eye complaint). The router embeds the message with the same
multilingual-e5-small model as the semantic red-flag detector and scores every protocol with a
multinomial logistic regression over the embedding and hashed character n-grams, trained on the
example openings in bot/data/triage_openings.yml (written per protocol from the protocols' own
titles and questions). `choose` combines it with the lexicon topics found in the message:

- every protocol of the kind asked (symptom or situation) is ranked by the router's probability,
  renormalised over that kind, plus a bonus when a keyword of the lexicon names it: a keyword
  decides when the router is torn, and a sure router overrules a misleading keyword;
- when the winner was named by no keyword and its probability is below FLOOR, no protocol is
  chosen and the resident picks from the menu.

The weights are kept beside the Rasa models, named by a hash of the openings
(`models/router-<hash>.npz`), and trained by `make run` / `make test` when the openings change.
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
import yaml

from bot.settings import ROOT

log = logging.getLogger(__name__)

OPENINGS = ROOT / "bot" / "data" / "triage_openings.yml"
VERSION = "1"
#: Below this (and with no keyword), the router does not choose: the resident gets the menu.
FLOOR = 0.20
#: What naming a protocol's keyword adds to its probability (renormalised over the allowed kind).
KEYWORD_BONUS = 0.15
_HASH_FEATURES = 2 ** 14
C = 8.0


@lru_cache(maxsize=1)
def _hasher():
    from sklearn.feature_extraction.text import HashingVectorizer

    from bot.text import fold

    return HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=_HASH_FEATURES,
                             alternate_sign=False, norm="l2", preprocessor=fold)


def _features(vectors: np.ndarray, texts: list[str]) -> np.ndarray:
    return np.hstack([vectors, 0.5 * _hasher().transform(texts).toarray()]).astype(np.float32)


class Router:
    def __init__(self, labels: list[str], weights: np.ndarray, bias: np.ndarray):
        self.labels = list(labels)
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        # A first message is routed and then asked for its runners-up (engine.start): embed it once.
        self._scores = lru_cache(maxsize=64)(self._score)

    def probabilities(self, text: str) -> dict[str, float]:
        text = (text or "").strip()
        return dict(zip(self.labels, self._scores(text))) if text else {}

    def _score(self, text: str) -> tuple[float, ...]:
        from bot.redflag_semantic import embed

        logits = _features(embed([text]), [text])[0] @ self.weights.T + self.bias
        weights = np.exp(logits - logits.max())
        weights /= weights.sum()
        return tuple(float(w) for w in weights)

    def choose(self, text: str, allowed: Iterable[str], named: Iterable[str] = ()) -> Optional[str]:
        """The protocol for `text` among `allowed`; `named` are the ones a keyword named."""
        allowed = [p for p in allowed if p in self.labels]
        probabilities = self.probabilities(text)
        if not allowed or not probabilities:
            return None
        scores = {p: probabilities[p] for p in allowed}
        total = sum(scores.values()) or 1.0
        scores = {p: s / total for p, s in scores.items()}  # renormalised over the allowed kind
        named = {p for p in named if p in scores}
        ranked = {p: s + (KEYWORD_BONUS if p in named else 0.0) for p, s in scores.items()}
        best = max(ranked, key=ranked.get)
        return best if best in named or scores[best] >= FLOOR else None

    # --- training and storage -------------------------------------------------------------

    @classmethod
    def train(cls, texts: list[str], labels: list[str]) -> "Router":
        from sklearn.linear_model import LogisticRegression

        from bot.redflag_semantic import embed_cached

        names = sorted(set(labels))
        model = LogisticRegression(C=C, max_iter=5000)
        model.fit(_features(embed_cached(texts), texts), [names.index(label) for label in labels])
        return cls(names, model.coef_, model.intercept_)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, labels=np.array(self.labels), weights=self.weights, bias=self.bias)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "Router":
        with np.load(path, allow_pickle=False) as data:
            return cls([str(x) for x in data["labels"]], data["weights"], data["bias"])


def training_data(path: Path = OPENINGS) -> tuple[list[str], list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts, labels = [], []
    for protocol, openings in (data.get("openings") or {}).items():
        for text in openings or []:
            texts.append(str(text))
            labels.append(str(protocol))
    return texts, labels


def inputs_hash(path: Path = OPENINGS) -> str:
    digest = hashlib.sha256(VERSION.encode())
    digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def router_path(models_dir: Path) -> Path:
    return models_dir / f"router-{inputs_hash()}.npz"


def ensure_router(models_dir: Path, log=print) -> Optional[Path]:
    """The trained router for the current openings, trained first when they changed."""
    from bot.trained import ensure_trained

    if not OPENINGS.exists():
        return None

    def train(path: Path) -> None:
        started = time.monotonic()
        texts, labels = training_data()
        Router.train(texts, labels).save(path)
        log(f"trained the triage protocol router on {len(texts)} openings in {time.monotonic() - started:.0f} s")

    return ensure_trained(router_path, models_dir, train)


@lru_cache(maxsize=1)
def default_router() -> Optional[Router]:
    """The router for this process (trained first if the weights are missing); None without openings."""
    from bot.settings import Settings

    if not OPENINGS.exists():
        return None
    from bot.trained import find_trained

    models_dir = Settings.from_env().models_dir
    found = find_trained(router_path, models_dir) or ensure_router(models_dir, log=log.info)
    return Router.load(found) if found else None
