"""Terms, stemming and sentence splitting."""

from __future__ import annotations

import pytest

from assistant.text import split_sentences, stem, terms


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("models", "model"),  # plural -s
        ("monitoring", "monitor"),  # -ing
        ("policies", "policy"),  # -ies -> -y
        ("deployed", "deploy"),  # -ed
        ("tracked", "track"),
        ("class", "class"),  # -ss is not a plural
        ("analysis", "analysis"),  # -is is not a plural
        ("status", "status"),  # -us is not a plural
        ("data", "data"),
        ("2024", "2024"),  # numbers unchanged
        ("3rd", "3rd"),
        ("10000s", "10000s"),  # starts with a digit: unchanged
        ("ops", "ops"),  # three letters or fewer: unchanged
        ("use", "use"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(("a", "b"), [("pipelines", "pipeline"), ("features", "feature"), ("alerts", "alert")])
def test_stem_matches_singular_and_plural(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_terms_drop_stopwords_and_stem() -> None:
    # "the", "and", "are" are stopwords; models -> model, monitored -> monitor.
    assert terms("The models and the pipelines are monitored") == ["model", "pipelin", "monitor"]


def test_terms_lowercase() -> None:
    assert terms("MLflow Tracking") == ["mlflow", "track"]


def test_terms_keep_stopwords_on_request() -> None:
    assert terms("the model", keep_stopwords=True) == ["the", "model"]
    assert terms("the model") == ["model"]


def test_terms_split_hyphenated_words_and_keep_the_whole() -> None:
    # "ci-cd" yields itself and its parts; "pipelines" -> "pipelin".
    assert terms("CI-CD pipelines") == ["ci-cd", "ci", "cd", "pipelin"]


def test_terms_hyphen_parts_that_are_stopwords_are_dropped() -> None:
    # end-to-end -> "end-to-end", "end", ("to" is a stopword), "end".
    assert terms("end-to-end") == ["end-to-end", "end", "end"]


def test_terms_keep_decimal_numbers_whole() -> None:
    assert terms("version 3.5") == ["version", "3.5"]


def test_terms_of_nothing() -> None:
    assert terms("") == []
    assert terms("What is it?") == []


def test_split_sentences_basic() -> None:
    assert split_sentences("Is it ready? Yes it is! Ship it.") == ["Is it ready?", "Yes it is!", "Ship it."]


def test_split_sentences_keeps_abbreviations_inside_sentences() -> None:
    text = "Open-Source vs. Proprietary tools differ. See e.g. Kubeflow for details."
    assert split_sentences(text) == ["Open-Source vs. Proprietary tools differ.", "See e.g. Kubeflow for details."]


def test_split_sentences_keeps_ie_inside_sentence() -> None:
    assert split_sentences("Use one store, i.e. A single registry. Then deploy.") == [
        "Use one store, i.e. A single registry.",
        "Then deploy.",
    ]


def test_split_sentences_does_not_split_before_lowercase_or_inside_numbers() -> None:
    assert split_sentences("Version 2.0 is out. then more text") == ["Version 2.0 is out. then more text"]


def test_split_sentences_splits_list_items() -> None:
    text = "Tools we use:\n- MLflow for tracking\n- DVC for data\n* Airflow\n• Feast"
    assert split_sentences(text) == ["Tools we use:", "MLflow for tracking", "DVC for data", "Airflow", "Feast"]


def test_split_sentences_splits_paragraphs_and_joins_wrapped_lines() -> None:
    text = "First paragraph runs\nover two lines.\n\nSecond paragraph."
    assert split_sentences(text) == ["First paragraph runs over two lines.", "Second paragraph."]


def test_split_sentences_strips_bold_markup() -> None:
    # A sentence may start with bold markup; the markup goes, the words stay.
    text = "**Level 3** is automated. **Prometheus** scrapes metrics."
    assert split_sentences(text) == ["Level 3 is automated.", "Prometheus scrapes metrics."]
    assert split_sentences("- **Grafana** dashboards") == ["Grafana dashboards"]


def test_split_sentences_drops_empty_and_single_characters() -> None:
    assert split_sentences("") == []
    assert split_sentences("\n\n  \n") == []
    assert split_sentences("-") == []
