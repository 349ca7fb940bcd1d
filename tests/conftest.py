"""Shared fixtures: small real indexes built once per test session in a tmp dir."""

from pathlib import Path

import pytest

from gxsearch.indexer import index_paths
from gxsearch.search import open_index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The real reports live beside the checkout (../shared/corpus), here and in CI.
CORPUS = ROOT.parent / "shared" / "corpus" / "pingtan"


def corpus_files() -> list[Path]:
    """The 22 real Pingtan reports, or a skip when the shared corpus is not beside the repo."""
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS}")
    return sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    """An index of the five seed reports."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    index_paths([str(SEEDS)], index_dir, rebuild=True)
    return index_dir


@pytest.fixture(scope="session")
def seed_index(seed_index_dir):
    """The seed index, open."""
    ix = open_index(seed_index_dir)
    yield ix
    ix.close()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory):
    """An index of the seeds and the 22 Pingtan reports, open."""
    corpus_files()
    index_dir = tmp_path_factory.mktemp("corpus-index")
    index_paths([str(SEEDS), str(CORPUS)], index_dir, rebuild=True)
    ix = open_index(index_dir)
    yield ix
    ix.close()
