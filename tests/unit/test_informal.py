"""Informal writing is read written out, and quoted in the stakeholder's own words."""

from __future__ import annotations

import pytest

from assistant.clauses import Mood, is_ignorance, read_mood
from assistant.informal import first_names, normalise


@pytest.mark.parametrize(
    ("typed", "spelled"),
    [
        ("we dont have ci atm", "we don't have ci at the moment"),
        ("idk tbh", "I don't know to be honest"),
        ("we don’t have CI", "we don't have CI"),
        ("Dont know, its in prod w/o tests", "Don't know, its in production without tests"),
        ("theres no dashboard rn", "there's no dashboard right now"),
        ("Im the ML lead", "I'm the ML lead"),
        ("noones role is really defined", "no one's role is really defined"),
        ("nobodys job, noone checks", "nobody's job, no one checks"),
        (
            "a cross-team retro every quarter, retros since 2023",
            "a cross-team retrospective every quarter, retrospectives since 2023",
        ),
        ("we talk thru jira tho", "we talk through jira though"),
        # Spoken fillers go; "like" only between commas.
        ("they're, like, one team, um, for this", "they're one team for this"),
        ("So, erm, it is handled like any other incident", "So it is handled like any other incident"),
        ("We've, um, talked about a guild", "We've talked about a guild"),
        ("Um, we have, uh Jenkins", "we have Jenkins"),
        # Lower-case "it" before people or their work is the IT department.
        ("our it guy never looked at it", "our IT guy never looked at it"),
    ],
)
def test_informal_spellings_are_written_out(typed: str, spelled: str) -> None:
    assert normalise(typed).text == spelled


@pytest.mark.parametrize(
    "text",
    [
        "We have CI on every merge.",  # nothing to write out
        "It's in its own repo",  # "its" and "it's" are both words
        "We won't, we can't and we don't.",  # apostrophes already there
        "The prodigal model; the idkfa flag; dontcare",  # only whole words
        "w/o/x is a path",  # a slash inside a path is not an abbreviation
        "It is handled like any other incident, and we ship it to the team",  # "like" compares
        "Give it time; the IT team will ask for it",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert normalise(text).text == text
    assert not normalise(text).changed


def test_a_quote_of_the_written_out_text_is_the_stakeholders_own_words() -> None:
    informal = normalise("ok so we dont have ci atm. models go to prod by hand")
    assert informal.text == "ok so we don't have ci at the moment. models go to production by hand"
    assert informal.quote("we don't have ci at the moment") == "we dont have ci atm"
    assert informal.quote("models go to production by hand") == "models go to prod by hand"
    assert informal.quote("not in the text") is None
    # A filler dropped inside a quote is still quoted: the quote is the stakeholder's span.
    assert normalise("So, um, our model is in Git").quote("So our model is in Git") == "So, um, our model is in Git"
    # A span that starts or ends inside a written-out word quotes the whole word typed.
    assert informal.original(informal.text.index("'t have"), informal.text.index(" have")) == "dont"


def test_moods_read_from_chat_typing() -> None:
    assert read_mood(normalise("there isnt a dashboard").text).mood is Mood.NEGATED
    assert read_mood(normalise("we havent got canary deploys yet").text).mood is Mood.NEGATED
    assert read_mood(normalise("gonna set up mlflow next sprint").text).mood is Mood.PLANNED
    assert is_ignorance(normalise("idk tbh").text)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "When Ellie has an update she fills in the change form",
            "When someone has an update she fills in the change form",
        ),
        ("Ellie retrains it when we notice.", "Someone retrains it when we notice."),
        ("It's still seen as Ffion's thing", "It's still seen as someone's thing"),
        ("Then Tomasz Nowak from IT clicks release. Jo checks", "Then someone from IT clicks release. Someone checks"),
        ("José and Min-jun share the rota", "Someone and someone share the rota"),
    ],
)
def test_a_colleagues_name_is_read_as_someone(typed: str, read: str) -> None:
    informal = normalise(typed)
    assert informal.text == read
    # Quotes still cite the name as typed.
    assert informal.quote(read) == typed


@pytest.mark.parametrize(
    "text",
    [
        "We use Jenkins and Grafana, and Travis CI for the old repo",  # tools, not people
        "In May we moved to Azure; Will the board agree?",  # names that are also words are left out
        "We asked ellie about it.",  # in written sentences, only a capitalised name is one
    ],
)
def test_words_that_are_not_colleagues_names_stay(text: str) -> None:
    assert normalise(text).text == text


def test_typed_all_in_lower_case_a_name_is_one_in_lower_case_too() -> None:
    typed = "retraining is manual too, jess kicks it off when she thinks it needs it"
    assert normalise(typed).text == "retraining is manual too, someone kicks it off when she thinks it needs it"
    assert normalise("ok. jo and i do it").text == "ok. jo and i do it"  # two letters: too short to tell


def test_the_built_in_name_list_loads() -> None:
    names = first_names()
    assert len(names) > 2000
    assert {"Ellie", "Tomasz", "Ffion", "Priya"} <= names
    assert not {"Will", "May", "Jenkins", "Travis", "Ruby"} & names  # words and tools are left out
