"""The letter library, proven against the source: every ask renders for every kind of
recipient on several dates, says only what the passages it cites say, speaks of 2022–2023 in
the past, is written for the office it goes to, and its call scripts fit in 30 seconds. The
checker is itself tried: errors planted in copies of the letters each make it fail."""

from __future__ import annotations

import re
import shutil
from datetime import date
from itertools import combinations
from pathlib import Path

import pytest
from jinja2.sandbox import SandboxedEnvironment

from advocacy import PROJECT_ROOT
from advocacy.campaigns import target_recipient
from advocacy.factcheck import Seed, check_letter, check_sources
from advocacy.letters import (
    ROOMY_CALLER,
    SCRIPT_WORDS,
    SEVERAL_SCRIPT_WORDS,
    AskNotFound,
    Constituent,
    LetterBook,
    allowed_names,
    since,
    words,
)
from advocacy.models import Target
from advocacy.release import ReleaseStore
from tests.fakes import SHARED

SEED = Seed((SHARED / "seed" / "artsakh-genocide.md").read_text())
LETTERS = PROJECT_ROOT / "letters"
BOOK = LetterBook(LETTERS)
DATES = (date(2026, 11, 25), date(2027, 6, 15), date(2029, 3, 1))
TODAY = DATES[0]
PERSON = Constituent(
    name="Ana Petrosyan", city="Austin", zip="78701", state="TX", email="ana@example.org"
)
KINDS = {
    "senate-foreign-relations-chair": "R000584",  # Risch
    "senate-foreign-relations-ranking": "S001181",  # Shaheen
    "state-foreign-operations-ranking": "S001194",  # Schatz
    "house-state-appropriations-chair": "D000600",  # Diaz-Balart
    "appointed-senator-term-ended-on-appropriations": "H001104",  # Husted
    "senate-armed-services": "S001198",  # Sullivan
    "house-financial-services": "H001072",  # Hill
    "senator-on-foreign-relations": "C001056",  # Cornyn
    "representative-no-committee": "D000399",  # Doggett
    "at-large": "H001096",  # Hageman (WY)
    "delegate": "N000147",  # Norton (DC)
    "resident-commissioner": "H001103",  # Hernández (PR)
    "no-official-full-name-no-phone": "G000607",  # Gallagher
}
SECRETARY = target_recipient(
    Target(id=7, title="Secretary of State", name="", phone="202-647-4000", url="", email="")
)


@pytest.fixture(scope="module")
def directory(synced):
    return ReleaseStore(synced).current().directory


@pytest.fixture(scope="module")
def recipients(directory):
    return {**{kind: directory.member(b) for kind, b in KINDS.items()}, "office": SECRETARY}


def problems(book: LetterBook, ask, member, person=PERSON, today=TODAY) -> list[str]:
    """Everything the checker finds wrong with one letter and its call script."""
    letter = book.render(ask, member, person, today)
    allowed = allowed_names(member, person)
    where = f"{ask.slug} for {member.id} on {today}"
    return [
        *check_letter(letter.cited, SEED, allowed, where=where),
        *check_letter(letter.cited_script, SEED, allowed, where=f"{where} (script)"),
    ]


def test_the_library_has_the_asks_of_the_source():
    assert [a.slug for a in BOOK.asks] == [
        "section-907",
        "sanctions",
        "humanitarian-aid",
        "security-assistance",
        "prisoners",
        "accountability",
        "aid-to-armenia",
    ]
    assert all(a.title and a.summary and a.committees for a in BOOK.asks)


def test_templates_render_in_the_sandbox_with_strict_undefined():
    assert isinstance(BOOK.env, SandboxedEnvironment)
    assert BOOK.env.undefined.__name__ == "StrictUndefined"


def test_the_source_map_holds_against_the_seed():
    """Every source: its URL given whole by the seed, its passage word for word next to it."""
    assert check_sources(BOOK.sources, SEED) == []
    cited = {
        k
        for path in LETTERS.rglob("*.txt")
        for k in re.findall(r'cite\("([^"]+)"\)', path.read_text())
    }
    assert cited <= set(BOOK.sources), f"cited but not in sources.toml: {cited - set(BOOK.sources)}"
    assert set(BOOK.sources) <= cited, "sources.toml has passages no letter cites"


@pytest.mark.parametrize("today", DATES, ids=str)
@pytest.mark.parametrize("ask", BOOK.asks, ids=lambda a: a.slug)
def test_every_letter_says_only_what_its_sources_say_on_any_date(recipients, ask, today):
    found = [p for member in recipients.values() for p in problems(BOOK, ask, member, today=today)]
    assert found == []


@pytest.mark.parametrize("ask", BOOK.asks, ids=lambda a: a.slug)
def test_every_letter_is_shaped_for_its_recipient(recipients, ask):
    for member in recipients.values():
        letter = BOOK.render(ask, member, PERSON, TODAY)
        assert letter.subject and "\n" not in letter.subject
        assert "{{" not in letter.body and "None" not in letter.body
        assert "Ana Petrosyan\nAustin, TX 78701\nana@example.org" in letter.body
        assert re.search(r"\nSources:\n\[1\] https://", letter.body)
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", letter.body)}
        assert cited == set(range(1, len(cited) + 1))  # every number listed, none missing
        assert "Biden" not in letter.body and "Dear the" not in letter.body
        if member.in_congress:
            assert letter.body.startswith(f"Dear {member.salutation},\n\n")
            assert "Please tell me where you stand." in letter.body
            assert letter.call_script.startswith("Hello, my name is Ana, and I'm a constituent")
        else:  # an executive office: asked to act itself, not to urge the Administration
            assert letter.body.startswith("Dear Secretary of State,\n\nI am writing from Austin")
            assert "constituent" not in letter.body and "Administration" not in letter.body
            assert "in Congress" not in letter.body and "I urge you" in letter.body
            assert letter.call_script.startswith("Hello, my name is Ana, and I live in")
            assert "Administration" not in letter.call_script
        assert member.salutation in letter.call_script
        assert "I don't need a reply" in letter.call_script


def test_events_are_placed_in_time_from_the_day_of_the_letter():
    assault = "2023-09-19"
    assert since(assault, date(2026, 11, 25)) == "more than three years"
    assert since(assault, date(2027, 6, 15)) == "more than three years"
    assert since(assault, date(2027, 8, 1)) == "nearly four years"
    assert since(assault, date(2026, 9, 19)) == "three years"
    assert since(assault, date(2029, 3, 1)) == "more than five years"
    assert since(assault, date(2024, 5, 1)) == "more than seven months"
    letter = BOOK.render(BOOK.ask("aid-to-armenia"), SECRETARY, PERSON, date(2029, 3, 1))
    assert "More than five years ago, on September 19, 2023, Azerbaijan launched" in letter.body


def test_the_committee_sentence_names_the_seat_and_what_it_can_do(recipients):
    def body(ask, kind):
        return BOOK.render(BOOK.ask(ask), recipients[kind], PERSON, TODAY).body

    chair = body("section-907", "senate-foreign-relations-chair")
    assert "As chairman of the Senate Committee on Foreign Relations, you can hold hearings on " \
        "each waiver" in chair  # fmt: skip
    sfops = body("humanitarian-aid", "state-foreign-operations-ranking")
    assert (
        "As ranking member of the Subcommittee on State, Foreign Operations, and Related "
        "Programs of the Senate Committee on Appropriations, you help decide how much U.S. "
        "assistance reaches these refugees" in sfops
    )
    assert "As chair of the Subcommittee on National Security, Department of State, and Related" \
        in body("security-assistance", "house-state-appropriations-chair")  # fmt: skip
    armed = body("security-assistance", "senate-armed-services")
    assert (
        "As a member of the Senate Committee on Armed Services, you can press for hearings" in armed
    )
    banking = body("sanctions", "house-financial-services")
    assert "As chair of the House Committee on Financial Services, you can hold hearings" \
        in banking  # fmt: skip
    # No committee sentence where the committee has nothing to do with the ask: sanctions
    # for an appropriator, anything for a member on none of these committees.
    assert "As a member of" not in body(
        "sanctions", "appointed-senator-term-ended-on-appropriations"
    )
    seat = re.compile(r"^As (?:a member|chair|ranking|vice)", re.MULTILINE)
    for ask in BOOK.asks:
        for kind in ("representative-no-committee", "delegate", "resident-commissioner"):
            assert not seat.search(body(ask.slug, kind))


def test_call_scripts_keep_the_committee_line_where_it_fits(recipients):
    script = BOOK.call_script([BOOK.ask("humanitarian-aid")], recipients[
        "state-foreign-operations-ranking"], PERSON, TODAY)  # fmt: skip
    assert "As ranking member of the Senate appropriations subcommittee on State and foreign " \
        "operations, Senator Schatz can fund aid for the refugees in the spending bill." in script  # fmt: skip
    several = BOOK.call_script(
        [BOOK.ask("sanctions"), BOOK.ask("prisoners")],
        recipients["senate-foreign-relations-chair"], PERSON, TODAY,
    )  # fmt: skip
    assert "Senator Risch to press for Global Magnitsky sanctions on the officials behind the " \
        "assault, and to press for the release of any arrested Artsakh officials not yet freed." \
        in several  # fmt: skip
    assert "As chairman of the Senate Foreign Relations Committee, Senator Risch can hold " \
        "hearings on the officials responsible." in several  # fmt: skip
    assert several.count("I'm calling") == 1 and several.count("don't need a reply") == 1


@pytest.mark.parametrize("ask", BOOK.asks, ids=lambda a: a.slug)
def test_a_call_script_can_be_said_in_30_seconds(directory, ask):
    """At most 85 words, for every member of Congress and an office, and the longest names."""
    for member in [*directory.members, SECRETARY]:
        script = BOOK.call_script([ask], member, ROOMY_CALLER, TODAY)
        assert words(script) <= SCRIPT_WORDS, script


def test_scripts_for_several_asks_fit_or_the_campaign_form_refuses_them(recipients):
    """Every combination of asks: the script covering them is at most 95 words and says only
    what its sources say, one reason per ask; or the combination is refused (script_words
    says so, which the campaign form uses). Any two asks fit."""
    for n in range(2, len(BOOK.asks) + 1):
        for combo in combinations(BOOK.asks, n):
            asks = list(combo)
            fits = BOOK.script_words(asks, [SECRETARY], TODAY) <= SEVERAL_SCRIPT_WORDS
            assert fits or n > 2, [a.slug for a in asks]
            if not fits:
                continue
            for member in recipients.values():
                cited = BOOK.cited_call_script(asks, member, ROOMY_CALLER, TODAY)
                allowed = allowed_names(member, ROOMY_CALLER)
                assert check_letter(cited, SEED, allowed, where=str([a.slug for a in asks])) == []
                script = BOOK.call_script(asks, member, ROOMY_CALLER, TODAY)
                assert words(script) <= SEVERAL_SCRIPT_WORDS and script.count("to ") >= n


def test_personal_note_comes_first_and_is_never_a_template(directory):
    person = Constituent(name="Ana", city="Austin", zip="78701", note="{{ 7 * 7 }} is my note.")
    body = BOOK.render(BOOK.ask("sanctions"), directory.member("D000399"), person, TODAY).body
    assert body.startswith(
        "Dear Representative Doggett,\n\n{{ 7 * 7 }} is my note.\n\nI am your constituent"
    )


def test_without_an_email_no_empty_line_is_signed(directory):
    person = Constituent(name="Ana", city="Austin", zip="78701")
    body = BOOK.render(BOOK.ask("sanctions"), directory.member("D000399"), person, TODAY).body
    assert "Sincerely,\nAna\nAustin, TX 78701\n\nSources:" in body


def test_a_bill_the_campaign_names_is_asked_for_before_the_question(directory):
    body = BOOK.render(
        BOOK.ask("sanctions"), directory.member("D000399"), PERSON, TODAY,
        bill="H.R. 1234 (119th Congress)",
    ).body  # fmt: skip
    assert "I also ask you to co-sponsor H.R. 1234 (119th Congress). Please tell me where" in body


def test_mailto_carries_subject_and_body(directory):
    letter = BOOK.render(BOOK.ask("humanitarian-aid"), directory.member("D000399"), PERSON, TODAY)
    assert letter.mailto.startswith("mailto:?subject=Humanitarian%20aid")
    assert "&body=Dear%20Representative%20Doggett%2C" in letter.mailto


def test_salutations_follow_the_official_name(directory):
    """The Resident Commissioner's official name is "Pablo José Hernández"; his letters say
    "Resident Commissioner Hernández", as the heading does."""
    hernandez = directory.member("H001103")
    assert hernandez.full_name == "Resident Commissioner Pablo José Hernández"
    assert hernandez.salutation == "Resident Commissioner Hernández"


@pytest.mark.parametrize("slug", ["", "nope", "../etc", None, 5, ["sanctions"]])
def test_unknown_ask(slug):
    with pytest.raises(AskNotFound):
        BOOK.ask(slug)


def test_the_blockade_is_never_called_ten_months_long():
    # December 12, 2022 to September 19, 2023 is nine months; the seed says both.
    for path in LETTERS.rglob("*.txt"):
        assert "ten-month" not in path.read_text() and "ten months" not in path.read_text()


# -- the checker, tried: each planted error must fail it ---------------------------------------

PLANTED = {
    "a wrong number": ("sanctions/letter.txt", "491 in favor", "419 in favor"),
    "491 votes to 36": ("sanctions/letter.txt", "with 491 in favor, 9 against, and 36 abstained",
                        "by 491 votes to 36"),
    "a death toll of 200": ("humanitarian-aid/letter.txt", "stood at 170", "stood at 200"),
    "a number in words": ("prisoners/letter.txt", "Bako Sahakyan, third president",
                          "Bako Sahakyan, fourth president"),
    "a 10-month blockade": ("section-907/letter.txt", "ignored this order {{",
                            "ignored this order during a 10-month blockade {{"),
    "a wrong day": ("section-907/letter.txt", "on December 12, 2022", "on December 21, 2022"),
    "a wrong year": ("section-907/letter.txt", "On February 22, 2023", "On February 22, 2022"),
    "a wrong month": ("sanctions/letter.txt", "On October 5, 2023", "On November 5, 2023"),
    "a wrong name": ("sanctions/letter.txt", "Luis Moreno Ocampo", "Luis Moreno Ortega"),
    "an altered quote": ("security-assistance/letter.txt", "will not countenance",
                         "will never countenance"),
    "an invented quote": ("accountability/letter.txt", "believed the mass flight fit the legal "
                          "definition of a war crime", 'said the mass flight was "plainly a war crime"'),
    "a truncated URL": ("sources.toml", "lachin-corridor-blockade-starves-nagorno-karabakh/",
                        "lachin-corridor-blockade"),
    "a URL the seed doesn't give": ("sources.toml", "https://www.economist.com/europe/2023/09/19/",
                                    "https://www.example.com/europe/2023/09/19/"),
    "a passage not in the seed": ("sources.toml", "with drones and mortars, damaging",
                                  "with drones and tanks, damaging"),
    "a swapped citation": ("humanitarian-aid/letter.txt", 'Armenia {{ cite("refugees") }}',
                           'Armenia {{ cite("fuel-depot") }}'),
    "an uncited fact": ("section-907/letter.txt", ' {{ cite("military-aid") }}', ""),
    "a present-tense status claim": ("prisoners/letter.txt", "checkpoint, taking them from",
                                     "checkpoint, and it still holds all of them today, taking them from"),
    "blockading right now": ("section-907/letter.txt", "then attacked them.",
                             "then attacked them, and is blockading Artsakh right now."),
    "a wrong number in a call script": ("section-907/call.txt", "$470 million", "$570 million"),
    "an unsourced number in a script": ("prisoners/call.txt", "among them Ruben Vardanyan",
                                        "among them 30 officials"),
}  # fmt: skip
ASK_OF = {"sources.toml": "section-907"}


def test_the_checker_passes_the_letters_it_is_tried_on(recipients):
    """The control: the same letters, unchanged, pass the same checks."""
    for kind in ("senate-foreign-relations-chair", "office"):
        for ask in BOOK.asks:
            assert problems(BOOK, ask, recipients[kind]) == []


@pytest.mark.parametrize("error", PLANTED)
def test_the_checker_catches_a_planted_error(tmp_path, recipients, error):
    assert len(PLANTED) >= 15
    path, before, after = PLANTED[error]
    copy = tmp_path / "letters"
    shutil.copytree(LETTERS, copy)
    planted = copy / path
    text = planted.read_text()
    assert before in text, f"{error}: {before!r} is not in {path}"
    planted.write_text(text.replace(before, after, 1))
    book = LetterBook(copy)
    slug = ASK_OF.get(path, Path(path).parts[0])
    found = check_sources(book.sources, SEED) if path == "sources.toml" else []
    for kind in ("senate-foreign-relations-chair", "representative-no-committee"):
        found += problems(book, book.ask(slug), recipients[kind])
    assert found, f"{error} went unnoticed"


def test_letter_authors_check_their_work_from_the_command_line(app):
    result = app.test_cli_runner().invoke(
        args=["letters", "check", "--seed", str(SHARED / "seed" / "artsakh-genocide.md")]
    )
    assert result.exit_code == 0, result.output
    assert "7 asks" in result.output and "3 dates: no problems." in result.output


def test_an_office_is_named_once():
    office = target_recipient(
        Target(id=3, title="Administrator, USAID", name="", phone="", url="", email="")
    )
    letter = BOOK.render(BOOK.ask("aid-to-armenia"), office, PERSON, TODAY)
    assert letter.to == "Administrator, USAID"
    assert letter.body.startswith("Dear Administrator, USAID,\n\n")
    named = target_recipient(
        Target(id=4, title="the Secretary of State", name="", phone="", url="", email="",
               greeting="Secretary Rubio")
    )  # fmt: skip
    letter = BOOK.render(BOOK.ask("section-907"), named, PERSON, TODAY)
    assert letter.to == "the Secretary of State" and letter.body.startswith("Dear Secretary Rubio,")
    assert "to ask the Secretary of State to issue or recommend no further waiver of Section 907" \
        in letter.call_script  # fmt: skip
