"""The two languages say the same things: every key in both files once, never empty, with the
same `{placeholders}`. Several people add keys at once; a key kept twice in one file is silently
lost by a JSON reader, so the files are read here with a check for that."""
import json
import re

from conftest import ROOT

LOCALES = ROOT / "Kiosk" / "locales"
PLACEHOLDER = re.compile(r"\{[A-Za-z0-9_]+\}")
# Words one language needs and the other does not ("3 хүн" against "People ahead of you: 3").
MAY_BE_EMPTY = {"steps.ticket.people"}


def read(language: str) -> tuple[dict, list]:
    repeated = []

    def keep(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        return dict(pairs)

    text = (LOCALES / f"{language}.json").read_text(encoding="utf-8")
    return json.loads(text, object_pairs_hook=keep), repeated


def flatten(tree: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_each_key_is_in_both_languages_once_with_the_same_placeholders():
    mongolian, repeated_mn = read("mn")
    english, repeated_en = read("en")
    assert repeated_mn == [] and repeated_en == []
    mn, en = flatten(mongolian), flatten(english)
    assert sorted(set(mn) - set(en)) == [] and sorted(set(en) - set(mn)) == []
    empty = [key for key, value in {**mn, **en}.items() if isinstance(value, str) and not value.strip() and key not in MAY_BE_EMPTY]
    assert empty == []
    differing = [
        key
        for key in mn
        if isinstance(mn[key], str) and set(PLACEHOLDER.findall(mn[key])) != set(PLACEHOLDER.findall(en[key]))
    ]
    assert differing == []
    cyrillic = re.compile("[А-Яа-яЁёӨөҮү]")
    assert sum(1 for value in mn.values() if isinstance(value, str) and cyrillic.search(value)) > 0.9 * len(mn)
