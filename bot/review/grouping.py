"""Groups similar review messages so that one editor decision covers many of them.

Character n-gram TF-IDF (robust to Finnish inflection and typos) and cosine similarity; messages
closer than the threshold end up in one group (single linkage, union-find).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.review.store import Item

THRESHOLD = 0.5


@dataclass
class Group:
    items: list[Item] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.items[0].id

    @property
    def text(self) -> str:
        """The most typical message: the one written most often, else the shortest."""
        counts = Counter(i.text.lower() for i in self.items)
        return min(self.items, key=lambda i: (-counts[i.text.lower()], len(i.text))).text

    @property
    def suggested_intent(self) -> str:
        intents = Counter(i.intent for i in self.items if i.intent and i.intent != "nlu_fallback")
        return intents.most_common(1)[0][0] if intents else ""

    def as_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "count": len(self.items), "suggested_intent": self.suggested_intent,
                "reasons": dict(Counter(i.reason for i in self.items)),
                "items": [i.as_dict() for i in self.items]}


def group(items: list[Item], threshold: float = THRESHOLD) -> list[Group]:
    if not items:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    texts = [" ".join(i.text.lower().split()) for i in items]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)
    similar = cosine_similarity(matrix)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if similar[i, j] >= threshold:
                parent[root(j)] = root(i)
    groups: dict[int, Group] = {}
    for index, item in enumerate(items):
        groups.setdefault(root(index), Group()).items.append(item)
    return sorted(groups.values(), key=lambda g: (-len(g.items), g.text))
