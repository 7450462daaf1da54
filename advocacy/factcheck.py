"""Proves the letters against the source document (../shared/seed): every source a letter
cites is a passage found word for word in the seed, next to the link it cites; every sentence
that cites says only what its passages say (numbers, dates, names and quotes); a sentence that
cites nothing states no fact; and nothing is said in the present tense about events, people
or places that the source dates to 2022 and 2023.

Used by the tests (every ask, every kind of recipient, several dates) and by
`flask letters check`, for whoever writes an ask."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH = "|".join(MONTHS)
_DATE = re.compile(
    rf"\b(?P<month>{_MONTH})(?:\s+(?P<day>\d{{1,2}}))?(?:,?\s+(?:of\s+)?(?P<year>(?:19|20)\d\d))?\b"
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A number in digits, with its currency sign and its scale: $470 million, 100,520, 11.5m.
_NUMBER = re.compile(r"\$?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|m|bn)\b)?%?")
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands million millions billion dozen dozens half twice "
    "once double triple first second third fourth fifth sixth seventh eighth ninth tenth"
).split()
_NUMBER_WORD = re.compile(rf"\b(?:{'|'.join(_NUMBER_WORDS)})(?:-\w+)?\b", re.IGNORECASE)
# What letters.since() says of elapsed time ("more than three years"): computed, not sourced.
_ELAPSED = re.compile(
    rf"\b(?:more than|nearly|about)?\s*(?:{'|'.join(_NUMBER_WORDS[:20])}|a)\s+(?:years?|months?)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_MARK = re.compile(r"\s*\[(\d+)\]")
_NAME = re.compile(
    r"(?:[A-Z][\w'’.\-]*|U\.S\.)(?:\s+(?:(?:of|for|and|the|on|de|da)\s+)*(?:[A-Z][\w'’.\-]*))*"
)
# Present-tense words that would speak of 2022–2023 events, people or offices as of today.
_CURRENCY = re.compile(
    r"\b(?:currently|still|now|nowadays|ongoing|today|to this day|remains?|remaining|"
    r"continues?|continuing|is (?:blockading|holding|detaining)|are (?:held|detained|blockaded)|"
    r"is (?:held|detained|blockaded)|holds|detains|(?:has|have) (?:\w+ed|been|given|made))\b",
    re.IGNORECASE,
)
# Words that open a sentence without being a name.
_OPENERS = frozenset(
    "a after all also although an and another as at because before both but by despite "
    "during each even every few following for from here his her however i if in instead it "
    "its just legal many more most much my nearly no not on once only other our over please "
    "rather several since so some such that the their then there these they this those "
    "though to under until we what when where which while who why with within without yet "
    "you".split()
)


@dataclass(frozen=True)
class Source:
    """A passage of the seed that letters may cite, with the link the seed gives for it.
    `says` maps a phrase a letter may use to the words of the seed that support it (each
    must be in the passage's context), for what the seed says in another form (a table row,
    a date whose year its section gives)."""

    key: str
    url: str
    passage: str
    says: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def normalize(text: str) -> str:
    """One spelling for comparing: markdown links and emphasis out, quotes and spaces folded."""
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"^\s*>\s?", "", text, flags=re.MULTILINE).replace("**", "")
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split())


class Seed:
    """The source document, as paragraphs, and where each link stands in it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]

    def links(self, url: str) -> bool:
        """The seed gives this exact URL as a link (not a longer one it is the start of)."""
        return f"]({url})" in self.text

    def contexts(self, url: str) -> list[str]:
        """The text around each link to `url`: its paragraph, the paragraph before it when
        that one introduces it (ending in a colon), and the quotes that follow it."""
        found = []
        for i, paragraph in enumerate(self.paragraphs):
            if f"]({url})" not in paragraph:
                continue
            parts = [paragraph]
            if i and self.paragraphs[i - 1].rstrip().endswith(":"):
                parts.insert(0, self.paragraphs[i - 1])
            for following in self.paragraphs[i + 1 :]:
                if not following.lstrip().startswith(">"):
                    break
                parts.append(following)
            found.append(normalize("\n".join(parts)))
        return found


def check_sources(sources: Mapping[str, Source], seed: Seed) -> list[str]:
    """What is wrong with the source map: URLs the seed doesn't give whole, passages that
    aren't in the seed next to their link, support for `says` that isn't there."""
    problems = []
    for source in sources.values():
        if not seed.links(source.url):
            problems.append(f"{source.key}: the seed gives no link to {source.url}")
            continue
        contexts = seed.contexts(source.url)
        passage = normalize(source.passage)
        home = [c for c in contexts if passage in c]
        if not home:
            problems.append(f"{source.key}: the passage is not in the seed next to its link")
            continue
        for phrase, support in source.says.items():
            for words in support:
                if normalize(words) not in home[0]:
                    problems.append(f"{source.key}: {phrase!r} rests on {words!r}, not in the seed")
    return problems


def _sentences(body: str) -> list[str]:
    """The sentences of a letter's body: paragraphs split after a period, a question or an
    exclamation mark (and its citations), never inside a quote."""
    found = []
    for paragraph in re.split(r"\n\s*\n|\n(?=- )", body):
        text = " ".join(paragraph.split())
        if not text:
            continue
        start, depth = 0, False
        for m in re.finditer(r"[\"“”]|[.!?](?:\s*\[\d+\])*(?=\s+[A-Z\"“]|$)", text):
            if m.group() in '"“”':
                depth = not depth if m.group() == '"' else m.group() == "“"
            elif not depth:
                found.append(text[start : m.end()].strip())
                start = m.end()
        if text[start:].strip():
            found.append(text[start:].strip())
    return found


def _dates(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(m["month"], m["day"], m["year"]) for m in _DATE.finditer(text)]


def _date_supported(date: tuple[str, str | None, str | None], passage: str) -> bool:
    month, day, year = date
    for other in _dates(passage):
        if other[0] == month and (day is None or other[1] == day):
            if year is None or other[2] == year:
                return True
    return False


def _names(sentence: str) -> list[str]:
    names = []
    for m in _NAME.finditer(sentence):
        name = re.sub(r"['’]s\b", "", m.group()).rstrip(".'’")
        words = name.split()
        if m.start() == 0 or sentence[: m.start()].rstrip().endswith((".", ":", "-", "—")):
            if words and words[0].lower() in _OPENERS:
                words = words[1:]
        while words and words[0].lower() in ("of", "for", "and", "the", "on"):
            words = words[1:]
        if words and not (len(words) == 1 and words[0] in MONTHS):
            names.append(" ".join(words))
    return names


def facts(sentence: str) -> list[str]:
    """What a sentence asserts that a source must support: dates, numbers (digits with the
    word after them, and number words), names; quotes are checked whole, elsewhere."""
    text = _QUOTE.sub(" ", sentence)
    found = [f"date:{' '.join(filter(None, d))}" for d in _dates(text)]
    text = _DATE.sub(" ", text)
    found += [f"year:{y}" for y in _YEAR.findall(text)]
    text = _YEAR.sub(" ", text)
    text = _ELAPSED.sub(" ", text)
    for m in _NUMBER.finditer(text):
        after = re.match(r"\s*([A-Za-z]+)", text[m.end() :])
        found.append(f"number:{m.group()}" + (f" {after.group(1)}" if after else ""))
    text = _NUMBER.sub(" ", text)
    found += [f"words:{m.group().lower()}" for m in _NUMBER_WORD.finditer(text)]
    found += [f"name:{n}" for n in _names(text)]
    return found


def _strip_whole(text: str, phrase: str, allowed: frozenset[str]) -> str:
    """`text` without `phrase` where it stands alone, not inside a longer name of something
    else ("Secretary of State" goes, "Assistant Secretary of State for Europe" stays; "Section
    907 for Azerbaijan" is two allowed names side by side)."""
    pattern = re.compile(rf"(?<![\w'’]){re.escape(phrase)}(?![\w'’])")
    kept, last = [], 0
    for m in pattern.finditer(text):
        before = re.search(r"([A-Z][\w'’.-]*)\s+$", text[: m.start()])
        after = re.match(r"\s+(?:(?:of|for|and|the)\s+)*([A-Z][\w'’.-]*)", text[m.end() :])
        if (before and before.group(1) not in allowed) or (
            after and not any(a.startswith(after.group(1).rstrip(".")) for a in allowed)
        ):
            continue
        kept.append(text[last : m.start()] + " ")
        last = m.end()
    return "".join(kept) + text[last:]


def _name_supported(name: str, passage: str, allowed: frozenset[str]) -> bool:
    """A name the passage has, or one made only of names the letter may use freely (a
    committee of the member's, "Senate Committee on Foreign Relations")."""
    if name in allowed or name in passage:
        return True
    rest = name
    for known in sorted(allowed, key=len, reverse=True):
        rest = re.sub(rf"(?<![\w'’.-]){re.escape(known)}(?![\w'’-])", " ", rest)
    return not [w for w in rest.split() if w[:1].isupper()]


def _supported(fact: str, passage: str, allowed: frozenset[str]) -> bool:
    kind, _, value = fact.partition(":")
    if kind == "name":
        return _name_supported(value, passage, allowed)
    if kind == "date":
        parts = value.split()
        date = (parts[0], next((p for p in parts[1:] if len(p) <= 2), None),
                next((p for p in parts[1:] if len(p) == 4), None))  # fmt: skip
        return _date_supported(date, passage)
    if kind == "year":
        return re.search(rf"\b{value}\b", passage) is not None
    if kind == "words":
        return re.search(rf"\b{re.escape(value)}\b", passage, re.IGNORECASE) is not None
    return value in passage  # a number and the word after it, as the passage has them


@dataclass(frozen=True)
class Cited:
    """A rendered letter as the checker reads it: its body (greeting to closing) and, for
    each citation number, the sources it stands for."""

    body: str
    sources: Mapping[int, tuple[Source, ...]]


def prose(text: str) -> str:
    """A letter's own words: after its greeting, before its closing, signature and sources."""
    text = re.split(r"\n(?:Thank you for your attention|Sincerely,|Sources:)", text)[0]
    paragraphs = re.split(r"\n\s*\n", text.strip())
    if paragraphs and paragraphs[0].startswith("Dear "):
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


def check_letter(
    letter: Cited, seed: Seed, allowed: Iterable[str] = (), *, where: str = ""
) -> list[str]:
    """What a rendered letter (or call script) says that its sources don't, or says of today."""
    allowed_names = frozenset(allowed)
    problems = []
    for sentence in _sentences(prose(letter.body)):
        said = f"{where}: {sentence!r}"
        if today := _CURRENCY.search(_QUOTE.sub(" ", sentence)):
            problems.append(f"{said} speaks of today ({today.group()!r})")
        numbers = [int(n) for n in _MARK.findall(sentence)]
        sources = [s for n in numbers for s in letter.sources.get(n, ())]
        if any(n not in letter.sources for n in numbers):
            problems.append(f"{said} cites a number the letter's sources don't list")
        text = _MARK.sub("", sentence)
        passage = " ".join(normalize(s.passage) for s in sources)
        for phrase in sorted({p for s in sources for p in s.says}, key=len, reverse=True):
            text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
        # Allowed phrases a name can't be read whole from (a ZIP code, "Subcommittee on State,
        # Foreign Operations, and Related Programs") go before the facts are read.
        unreadable = (n for n in allowed_names if re.search(r"\d|,|\s[a-z]", n))
        for known in sorted(unreadable, key=len, reverse=True):
            text = _strip_whole(text, known, allowed_names)
        for quote in _QUOTE.findall(sentence):
            if not sources or normalize(quote) not in passage:
                problems.append(f"{said} quotes words its source doesn't have: {quote!r}")
        for fact in facts(text):
            if not _supported(fact, normalize(passage), allowed_names) or (
                not sources and not fact.startswith("name:")
            ):
                problems.append(f"{said}: {fact} is not in what it cites")
    return problems
