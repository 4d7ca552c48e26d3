"""German sort order (DIN 5007-1)."""

from __future__ import annotations

from mwtui.i18n.sorting import din5007_key, sort_german


def test_umlaut_sorts_as_its_vowel() -> None:
    assert sort_german(["Beispielbau", "Bäckerei"]) == ["Bäckerei", "Beispielbau"]
    assert sorted(["Beispielbau", "Bäckerei"]) == ["Beispielbau", "Bäckerei"]  # the bug


def test_din_5007_1_order() -> None:
    names = ["Zander", "Öztürk", "Ofenbau", "Müller", "Muster", "Maßen", "Masse", "über",
             "Ulm", "ärger", "Anton", "straße", "Strasser", "Éclair", "Ecke"]
    assert sort_german(names) == [
        "Anton", "ärger", "Ecke", "Éclair", "Masse", "Maßen", "Müller", "Muster",
        "Ofenbau", "Öztürk", "straße", "Strasser", "über", "Ulm", "Zander",
    ]


def test_case_insensitive_with_stable_ties() -> None:
    assert sort_german(["beta", "Alpha", "alpha", "Beta"]) == ["Alpha", "alpha", "Beta", "beta"]
    assert sort_german(["Muller", "Müller", "MÜLLER"]) == ["Muller", "MÜLLER", "Müller"]
    assert din5007_key("Straße")[0] == din5007_key("STRASSE")[0] == "strasse"


def test_key_function_reverse_and_none() -> None:
    rows = [{"name": "Zahn"}, {"name": "Äpfel"}, {"name": None}]
    assert [r["name"] for r in sort_german(rows, key=lambda r: r["name"])] == [
        None, "Äpfel", "Zahn"]
    assert sort_german(["a", "b"], reverse=True) == ["b", "a"]
