from pathlib import Path

from itcell.organisation.roles import matrix_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"


def test_the_documented_matrix_is_the_one_the_code_applies() -> None:
    assert matrix_markdown() in DOC.read_text(encoding="utf-8")
