"""The letter library: every ask renders for every kind of member, and every fact is sourced."""

import re
from datetime import date

import pytest
from jinja2.sandbox import SandboxedEnvironment

from advocacy import PROJECT_ROOT
from advocacy.campaigns import target_recipient
from advocacy.letters import AskNotFound, Constituent, LetterBook
from advocacy.models import Target
from advocacy.release import ReleaseStore
from tests.fakes import SHARED

SEED = (SHARED / "seed" / "artsakh-genocide.md").read_text()
BOOK = LetterBook(PROJECT_ROOT / "letters")
URL = re.compile(r"https?://[^\s\"')]+")


@pytest.fixture(scope="module")
def directory(synced):
    return ReleaseStore(synced).current().directory


KINDS = {
    "senator": "C001056",  # Cornyn
    "senator-on-foreign-relations": "R000584",  # Risch
    "senator-appointed-term-ended": "H001104",  # Husted
    "representative": "D000399",  # Doggett
    "representative-on-foreign-affairs": "M001199",  # Mast
    "at-large": "H001096",  # Hageman (WY)
    "delegate": "N000147",  # Norton (DC)
    "resident-commissioner": "H001103",  # Hernández (PR)
    "no-official-full-name-no-phone": "G000607",  # Gallagher
}
PERSON = Constituent(name="Ana Petrosyan", city="Austin", zip="78701", email="ana@example.org")
TODAY = date(2026, 11, 25)
OFFICE = target_recipient(
    Target(id=7, title="Administrator, USAID", name="", phone="202-712-0000", url="", email="")
)


def test_the_library_has_the_five_asks_of_the_issue():
    assert [a.slug for a in BOOK.asks] == [
        "section-907",
        "sanctions",
        "humanitarian-aid",
        "security-assistance",
        "prisoners",
    ]
    assert all(a.title and a.summary for a in BOOK.asks)


def test_templates_render_in_the_sandbox_with_strict_undefined():
    assert isinstance(BOOK.env, SandboxedEnvironment)
    assert BOOK.env.undefined.__name__ == "StrictUndefined"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ask", BOOK.asks, ids=lambda a: a.slug)
def test_every_ask_renders_for_every_kind_of_member(directory, ask, kind):
    member = directory.member(KINDS[kind])
    letter = BOOK.render(ask, member, PERSON, TODAY)
    assert letter.subject and "\n" not in letter.subject
    assert letter.body.startswith(f"Dear {member.title} {member.last_name},\n\n")
    assert "{{" not in letter.body and "None" not in letter.body
    assert f"Ana Petrosyan\nAustin, {member.state} 78701\nana@example.org" in letter.body
    assert re.search(r"\nSources:\n\[1\] https://", letter.body)
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", letter.body)}
    assert cited == set(range(1, len(cited) + 1))  # every number listed, none missing
    assert "Biden" not in letter.body  # written for today: "the Administration"
    words = len(letter.call_script.split())
    assert words < 120, f"{ask.slug} call script for a {kind} has {words} words"
    assert letter.call_script.startswith("Hello, my name is Ana, and I'm a constituent from Austin")
    assert "I don't need a reply" in letter.call_script
    assert member.salutation in letter.call_script


@pytest.mark.parametrize("ask", BOOK.asks, ids=lambda a: a.slug)
def test_committee_paragraph_only_for_members_with_jurisdiction(directory, ask):
    risch = BOOK.render(ask, directory.member("R000584"), PERSON, TODAY)
    assert "As a member of the Senate Committee on Foreign Relations" in risch.body
    assert "Senate Committee on Foreign Relations" in risch.call_script
    doggett = BOOK.render(ask, directory.member("D000399"), PERSON, TODAY)
    assert "As a member of the" not in doggett.body


def test_every_source_a_letter_cites_is_in_the_seed_document():
    urls = set()
    for path in (PROJECT_ROOT / "letters").rglob("*.txt"):
        urls |= set(URL.findall(path.read_text()))
    assert len(urls) >= 15
    missing = sorted(u for u in urls if u not in SEED)
    assert not missing, f"cited but not in the seed: {missing}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ask", BOOK.asks, ids=lambda a: a.slug)
def test_every_number_in_a_letter_or_script_appears_in_the_seed(directory, ask, kind):
    letter = BOOK.render(ask, directory.member(KINDS[kind]), PERSON, TODAY)
    prose = letter.body.split("\nSources:\n")[0] + "\n" + letter.call_script
    for number in re.findall(r"\$?\d[\d,.]*\d(?: million)?", prose):
        bare = number.rstrip(".,")
        if bare == PERSON.zip:
            continue
        assert bare in SEED, f"{ask.slug}: {bare} is not in the seed"


def test_the_blockade_is_never_called_ten_months_long():
    # December 12, 2022 to September 19, 2023 is nine months; the seed says both.
    for path in (PROJECT_ROOT / "letters").rglob("*.txt"):
        assert "ten-month" not in path.read_text() and "ten months" not in path.read_text()


@pytest.mark.parametrize("ask", BOOK.asks, ids=lambda a: a.slug)
def test_call_scripts_stay_short_for_the_longest_inputs(directory, ask):
    person = Constituent(
        name="Bartholomew-Alexander " + "X" * 70, city="Y " * 29 + "Z", zip="78701"
    )
    for bioguide in ("R000584", "M001199", "H001104"):  # members with committee lines
        script = BOOK.render(ask, directory.member(bioguide), person, TODAY).call_script
        assert len(script.split()) < 120, script


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


def test_mailto_carries_subject_and_body(directory):
    letter = BOOK.render(BOOK.ask("humanitarian-aid"), directory.member("D000399"), PERSON, TODAY)
    assert letter.mailto.startswith("mailto:?subject=Humanitarian%20aid")
    assert "&body=Dear%20Representative%20Doggett%2C" in letter.mailto


@pytest.mark.parametrize("slug", ["", "nope", "../etc", None, 5, ["sanctions"]])
def test_unknown_ask(slug):
    with pytest.raises(AskNotFound):
        BOOK.ask(slug)


@pytest.mark.parametrize("ask", BOOK.asks, ids=lambda a: a.slug)
def test_every_ask_renders_for_an_office_a_campaign_names(ask):
    person = Constituent(name="Ana Petrosyan", city="Austin", zip="78701", state="TX")
    letter = BOOK.render(ask, OFFICE, person, TODAY)
    assert letter.body.startswith("Dear Administrator, USAID,\n\nI am writing from Austin, TX")
    assert "constituent" not in letter.body and "As a member of the" not in letter.body
    assert "I urge you to" in letter.body and "\nSources:\n[1] https://" in letter.body
    prose = letter.body.split("\nSources:\n")[0] + letter.call_script
    for number in re.findall(r"\$?\d[\d,.]*\d(?: million)?", prose):
        assert number.rstrip(".,") in SEED or number.rstrip(".,") == "78701"
    assert letter.call_script.startswith("Hello, my name is Ana, and I'm calling from Austin, TX.")
    assert "Administrator, USAID" in letter.call_script
    assert len(letter.call_script.split()) < 120
