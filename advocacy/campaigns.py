"""Campaigns: what organizers create and share. Their texts are templates run in a sandbox."""

from __future__ import annotations

import html
import io
import itertools
import logging
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import nh3
import segno
import sqlalchemy as sa
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from .directory import Directory
from .geography import EASTERN, STATES
from .letters import CITY_LIMIT, NAME_LIMIT, Ask, Constituent, LetterBook
from .models import Campaign, CampaignLink, DbSession, Organizer, Target
from .recipients import Kind, Office, Recipient

log = logging.getLogger(__name__)
STATUSES = ("draft", "live", "closed")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REF = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
RESERVED_SLUGS = frozenset({"new", "edit", "preview", "embed", "call", "qr", "flyer"})
TEXT_LIMIT = 4000  # characters of organizer template source, and of its rendered text

# The variables an organizer's text may use, with what they hold (shown on the form).
VARIABLES = {
    "member.title": "Senator, Representative, Delegate or Resident Commissioner",
    "member.name": "the member's full name",
    "member.last_name": "the member's last name",
    "member.salutation": 'how to name them mid-sentence: "Senator Cruz", "the Secretary of State"',
    "member.state_name": "the member's state or territory",
    "constituent.first_name": "the writer's first name",
    "constituent.city": "the writer's city or town",
}
_SAMPLE = {
    "member": {
        "title": "Senator",
        "name": "Jane Doe",
        "last_name": "Doe",
        "salutation": "Senator Doe",
        "state_name": "Texas",
    },
    "constituent": {"first_name": "Ana", "city": "Austin"},
}
# The longest real values: an office a campaign names has a title and a name of up to 120
# characters ("the " before its title makes a salutation), the writer's name and city their
# form's limits, the state the longest name of a state or territory.
_LONGEST = {
    "member": {
        "title": "W" * 120, "name": "W" * 120, "last_name": "W" * 120,
        "salutation": "W" * 124, "state_name": max(STATES.values(), key=len),
    },
    "constituent": {"first_name": "W" * NAME_LIMIT, "city": "W" * CITY_LIMIT},
}  # fmt: skip
# Every title a member of Congress has; an office's title is anything else.
_TITLES = ("Senator", "Representative", "Delegate", "Resident Commissioner")
# Past this many combinations of values to try, the check bounds the text's length instead.
_MAX_TRIES = 1000


class TemplateProblem(ValueError):
    """An organizer's text can't be used; the message names the line."""


class _LimitedSandbox(SandboxedEnvironment):
    """The sandbox, plus limits on operators that can build huge strings or numbers."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            raise SecurityError("the ** operator is not allowed")
        if operator_ == "*" and any(isinstance(v, (str, list, tuple)) for v in (left, right)):
            other = right if isinstance(left, (str, list, tuple)) else left
            if not isinstance(other, int) or other > 100:
                raise SecurityError("repeating text that many times is not allowed")
        result = super().call_binop(context, operator_, left, right)
        if isinstance(result, (str, list)) and len(result) > TEXT_LIMIT:
            raise SecurityError("the text is too long")
        return result

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # Organizer texts fill in variables; they never need to call anything, and a call
        # such as "x".ljust(10**9) could exhaust memory.
        raise SecurityError("calling functions or methods is not allowed")


_ENV = _LimitedSandbox(undefined=StrictUndefined, autoescape=False)
_ENV.globals.clear()  # no range, lipsum, cycler, joiner, namespace, dict
# Filters that can't build a big text from a small one.
_ENV.filters = {
    k: _ENV.filters[k] for k in ("upper", "lower", "title", "capitalize", "trim", "default", "e")
}
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _template_line(exc: BaseException) -> int | None:
    """The line of the organizer's text where an error happened, from the traceback."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# An organizer's text may print the documented variables, compare them with == and !=, and
# choose with {% if %}: nothing else. No arithmetic, no subscripts, no calls, no loops: so a
# text that passes the check can neither fail on real data nor take the memory or the CPU.
_ATTRIBUTES = {
    "member": {"title", "name", "last_name", "salutation", "state_name"},
    "constituent": {"first_name", "city"},
}
_FILTERS = {"upper", "lower", "title", "capitalize", "trim"}
_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Getattr, nodes.Const,
    nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Filter, nodes.CondExpr,
)  # fmt: skip
_MAX_DEPTH = 6


def _problem(node: nodes.Node, message: str) -> TemplateProblem:
    return TemplateProblem(f"Line {node.lineno}: {message}")


def _check_node(node: nodes.Node, depth: int) -> None:
    if isinstance(node, nodes.Name):
        raise _problem(node, f"unknown variable '{node.name}'; use one of the list above.")
    if not isinstance(node, _NODES):
        raise _problem(
            node, "only {{ variables }}, comparisons and {% if %} are allowed in these texts."
        )
    if isinstance(node, nodes.Getattr):
        base = node.node
        if not isinstance(base, nodes.Name) or node.attr not in _ATTRIBUTES.get(base.name, ()):
            shown = f"{base.name}.{node.attr}" if isinstance(base, nodes.Name) else node.attr
            raise _problem(node, f"unknown variable '{shown}'; use one of the list above.")
        return  # its Name child is the known object
    if isinstance(node, nodes.Const) and not (
        isinstance(node.value, (str, int, bool)) and len(str(node.value)) <= 200
    ):
        raise _problem(node, "use short texts or numbers only.")
    if isinstance(node, nodes.Operand) and node.op not in ("eq", "ne"):
        raise _problem(node, "compare with == or != only.")
    if isinstance(node, nodes.Filter) and (
        node.name not in _FILTERS or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs
    ):
        raise _problem(node, f"the filter '{node.name}' is not available here.")
    if isinstance(node, nodes.If):
        depth += 1
        if depth > _MAX_DEPTH:
            raise _problem(node, f"nest {{% if %}} at most {_MAX_DEPTH} deep.")
    for child in node.iter_child_nodes():
        _check_node(child, depth)


def _check_shape(source: str) -> None:
    _check_node(_ENV.parse(source), 0)


def render_text(source: str, context: dict[str, Any]) -> str:
    """Render an organizer's text in the sandbox; TemplateProblem says what and where."""
    if not source:
        return ""
    try:
        _check_shape(source)
        result = _ENV.from_string(source).render(context)
    except TemplateProblem:
        raise
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"Line {exc.lineno}: {exc.message}") from None
    except SecurityError as exc:
        line = _template_line(exc)
        raise TemplateProblem(f"Line {line or 1}: not allowed ({exc})") from None
    except TemplateError as exc:
        line = _template_line(exc)
        message = str(exc).replace("'dict object'", "the variable")
        raise TemplateProblem(f"Line {line or 1}: {message}") from None
    except (
        ArithmeticError,
        TypeError,
        ValueError,
        RecursionError,
        SyntaxError,
        MemoryError,
    ) as exc:
        line = _template_line(exc)
        raise TemplateProblem(f"Line {line or 1}: {exc.__class__.__name__}") from None
    if len(result) > TEXT_LIMIT:
        raise TemplateProblem(f"The text is longer than {TEXT_LIMIT} characters once filled in.")
    return result.strip()


def check_text(source: str) -> None:
    """Raise TemplateProblem unless the text renders, within the length limit, for every
    kind of recipient and every branch of its {% if %}s, with the longest real values: a text
    that passes is never cut or dropped from a letter."""
    if len(source) > TEXT_LIMIT:
        raise TemplateProblem(f"Keep this under {TEXT_LIMIT} characters.")
    render_text(source, _SAMPLE)  # names the line of a mistake; after it, rendering can't fail
    tree = _ENV.parse(source)
    tries = _contexts(tree)
    if tries is None:  # too many combinations: the longest branch of each {% if %}, at once
        if (longest := _longest(tree)) > TEXT_LIMIT:
            raise TemplateProblem(_too_long(longest, "its longest branches"))
        return
    template = _ENV.from_string(source)  # compiled once, for every try
    for context in tries:
        if (length := len(template.render(context).strip())) > TEXT_LIMIT:
            who = context["member"]["title"]
            whom = f"a {who}" if who in _TITLES else "an office your campaign names"
            raise TemplateProblem(_too_long(length, f"{whom}, with the longest names"))


def _too_long(length: int, when: str) -> str:
    return (
        f"Filled in for {when}, this text would run to {length} characters, more than "
        f"{TEXT_LIMIT}: it would be left out of the letter. Shorten it."
    )


def _variables(node: nodes.Node) -> set[tuple[str, str]]:
    return {
        (g.node.name, g.attr)
        for g in [node, *node.find_all(nodes.Getattr)]
        if isinstance(g, nodes.Getattr) and isinstance(g.node, nodes.Name)
    }


def _values_to_try(tree: nodes.Node) -> dict[tuple[str, str], set[str]]:
    """Besides its longest real value, what each variable a condition reads should be tried
    with so that every branch is taken: empty (a test of it alone; an office has no state),
    each text it is compared with, and a value it shares with another variable it is
    compared with."""
    found: dict[tuple[str, str], set[str]] = {}
    for node in tree.find_all((nodes.If, nodes.CondExpr)):
        if (test := getattr(node, "test", None)) is None:
            continue
        for name in _variables(test):
            found.setdefault(name, set()).add("")
    for compare in tree.find_all(nodes.Compare):
        sides = [compare.expr, *(op.expr for op in compare.ops)]
        names = set().union(*(_variables(side) for side in sides))
        consts = {str(c.value) for side in sides for c in [side, *side.find_all(nodes.Const)]
                  if isinstance(c, nodes.Const) and isinstance(c.value, str)}  # fmt: skip
        for name in names:
            found.setdefault(name, set()).update(consts | ({"Same"} if len(names) > 1 else set()))
    return found


def _contexts(tree: nodes.Node) -> list[dict[str, Any]] | None:
    """Every combination of values worth trying: each title, the values of _values_to_try,
    and otherwise the longest real value; None when there are too many."""
    to_try = _values_to_try(tree)
    choices: list[tuple[tuple[str, str], list[str]]] = []
    for group, fields in _LONGEST.items():
        for field, longest in fields.items():
            values = {longest, *to_try.get((group, field), ())}
            if (group, field) == ("member", "title"):
                values.update(_TITLES)
            choices.append(((group, field), sorted(values)))
    if math.prod(len(options) for _, options in choices) > _MAX_TRIES:
        return None
    tries = []
    for combination in itertools.product(*(options for _, options in choices)):
        context: dict[str, dict[str, str]] = {"member": {}, "constituent": {}}
        for ((group, field), _), value in zip(choices, combination, strict=True):
            context[group][field] = value
        tries.append(context)
    return tries


def _longest(node: nodes.Node) -> int:
    """An upper bound of a text's length once filled in: every {% if %} at its longest
    branch, every variable at its longest value."""
    if isinstance(node, nodes.TemplateData):
        return len(node.data)
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        return len(_LONGEST.get(node.node.name, {}).get(node.attr, ""))
    if isinstance(node, nodes.Const):
        return len(str(node.value))
    if isinstance(node, (nodes.Compare, nodes.And, nodes.Or, nodes.Not)):
        return len("False")
    if isinstance(node, nodes.Filter):
        return _longest(node.node) if node.node is not None else 0
    if isinstance(node, nodes.If):
        branches = [node.body, *(elif_.body for elif_ in node.elif_), node.else_]
        return max(sum(_longest(n) for n in branch) for branch in branches)
    if isinstance(node, nodes.CondExpr):
        return max(_longest(node.expr1), _longest(node.expr2) if node.expr2 else 0)
    return sum(_longest(child) for child in node.iter_child_nodes())


def text_context(member: Recipient, first_name: str, city: str) -> dict[str, Any]:
    return {
        "member": {
            "title": member.title,
            "name": member.name,
            "last_name": member.last_name,
            "salutation": member.salutation,
            "state_name": STATES.get(member.state, member.state),
        },
        "constituent": {"first_name": first_name, "city": city},
    }


def render_description(markdown: str) -> Markup:
    """Markdown to HTML with only safe tags and attributes (nh3), links opened safely."""
    html = _MD.render(markdown or "")
    clean = nh3.clean(
        html, link_rel="noopener noreferrer nofollow", url_schemes={"http", "https", "mailto"}
    )
    return Markup(clean)  # noqa: S704 (sanitized by nh3 just above)


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].strip("-") or "campaign"


def unique_slug(session: DbSession, title: str) -> str:
    base = slugify(title)
    slug, n = base, 2
    while base in RESERVED_SLUGS or slug_taken(session, slug):
        slug, n = f"{base}-{n}", n + 1
        if slug not in RESERVED_SLUGS and not slug_taken(session, slug):
            break
    return slug


def slug_taken(session: DbSession, slug: str, except_id: int | None = None) -> bool:
    """Whether another campaign has this link name, or has ever been shared under it."""
    current = sa.select(Campaign.id).where(Campaign.slug == slug)
    shared = sa.select(CampaignLink.campaign_id).where(CampaignLink.slug == slug)
    if except_id is not None:
        current = current.where(Campaign.id != except_id)
        shared = shared.where(CampaignLink.campaign_id != except_id)
    return session.scalar(current.union_all(shared).limit(1)) is not None


def moved(session: DbSession, slug: str) -> str | None:
    """The current link name of the public campaign once shared under `slug` and since
    renamed (its flyers and QR codes still lead to it), or None."""
    if not SLUG.match(slug):
        return None
    return session.scalar(
        sa.select(Campaign.slug)
        .join(CampaignLink, CampaignLink.campaign_id == Campaign.id)
        .where(CampaignLink.slug == slug, Campaign.slug != slug)
        .where(Campaign.status.in_(("live", "closed")))
    )


def created_since(session: DbSession, organizer_id: int, since: datetime) -> int:
    """How many campaigns the organizer has created since then."""
    query = sa.select(sa.func.count(Campaign.id)).where(
        Campaign.organizer_id == organizer_id, Campaign.created_at >= since
    )
    return session.scalar(query) or 0


def owned(session: DbSession, organizer: Organizer, slug: str) -> Campaign | None:
    """The organizer's own campaign with this slug; None for anyone else's."""
    if not SLUG.match(slug):
        return None  # never a query with what can't be a link name (a NUL byte, say)
    return session.scalar(
        sa.select(Campaign).where(Campaign.slug == slug, Campaign.organizer_id == organizer.id)
    )


def public(session: DbSession, slug: str) -> Campaign | None:
    """A campaign a citizen may open: live or closed, never a draft."""
    if not SLUG.match(slug):
        return None
    return session.scalar(
        sa.select(Campaign)
        .where(Campaign.slug == slug, Campaign.status.in_(("live", "closed")))
        .options(selectinload(Campaign.targets))
    )


def of(session: DbSession, organizer: Organizer) -> list[Campaign]:
    return list(
        session.scalars(
            sa.select(Campaign)
            .where(Campaign.organizer_id == organizer.id)
            .order_by(Campaign.created_at.desc())
        )
    )


@dataclass(frozen=True)
class Texts:
    """A campaign's own words for one letter, rendered for one member."""

    opening: str = ""
    closing: str = ""
    call_script: str = ""


def texts_for(campaign: Campaign | None, member: Recipient, first_name: str, city: str) -> Texts:
    if campaign is None:
        return Texts()
    context = text_context(member, first_name, city)

    def render(source: str) -> str:
        try:
            return render_text(source, context)
        except TemplateProblem as exc:  # checked when saved; never break a citizen's letter
            log.warning("Campaign %s text failed to render: %s", campaign.slug, exc)
            return ""

    return Texts(
        opening=render(campaign.opening),
        closing=render(campaign.closing),
        call_script=" ".join(render(campaign.call_script).split()),
    )


def call_script(
    campaign: Campaign | None,
    book: LetterBook,
    asks: list[Ask],
    member: Recipient,
    caller: Constituent,
    today: date,
) -> str:
    """What a caller says to this office: the campaign's own call script, if it has one, else
    one script covering its asks."""
    own = texts_for(campaign, member, caller.first_name, caller.city).call_script
    return own or book.call_script(asks, member, caller, today)


# What a call sheet's script says where a caller fills in their own name, city and ZIP code.
SHEET_CALLER = {"name": "[name]", "city": "[your city]", "zip": "[ZIP]"}


def call_sheets(
    campaign: Campaign,
    book: LetterBook,
    asks: list[Ask],
    directory: Directory | None,
    today: date,
    *,
    state: str = "",
    office: str = "",
) -> list[tuple[Recipient, str]]:
    """Printable call sheets, an office and its script each: every office of `state` (from
    `directory`) and the campaign's own, or (without a state) only the campaign's own;
    `office` picks one of them."""
    members = directory.delegation(state) if directory and state else []
    offices = [*members, *targets_of(campaign)]
    if office:
        offices = [m for m in offices if m.id == office] or offices
    caller = Constituent(**SHEET_CALLER, state=state)
    return [(m, call_script(campaign, book, asks, m, caller, today)) for m in offices]


def share_url(base_url: str, slug: str, ref: str = "") -> str:
    """The public link of a campaign, with an optional ref for counting where people came from."""
    url = f"{base_url.rstrip('/')}/c/{slug}"
    return f"{url}?ref={ref}" if ref else url


def qr_code(url: str, kind: str) -> bytes:
    """The link as a QR code, in SVG or PNG."""
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    if kind == "svg":
        qr.save(out, kind="svg", scale=10, border=2, xmldecl=False, title="QR code of " + url)
    else:
        qr.save(out, kind="png", scale=12, border=2)
    return out.getvalue()


def plain_summary(markdown: str, limit: int = 200) -> str:
    """The description as one line of plain text, for link previews."""
    rendered = re.sub(
        r"</(?:p|h[1-6]|li|blockquote|td|th)>|<br\s*/?>", " ", str(render_description(markdown))
    )
    words = html.unescape(re.sub(r"<[^>]+>", "", rendered)).split()
    summary = " ".join(words)
    return summary if len(summary) <= limit else summary[: limit - 1].rsplit(" ", 1)[0] + "…"


def target_recipient(target: Target) -> Recipient:
    """An office a campaign names, as a recipient of letters and calls. Where it is, we don't
    know: its hours are taken as Washington's (Eastern)."""
    name = target.name or target.title
    phone = target.phone or None
    the_title = target.title if target.title.lower().startswith("the ") else f"the {target.title}"
    untitled = target.title[4:] if target.title.lower().startswith("the ") else target.title
    return Recipient(
        id=f"target-{target.id}",
        kind=Kind.OFFICE,
        name=name,
        title=target.title,
        salutation=target.name or the_title,
        greeting=target.greeting or target.name or untitled,
        last_name=name.split()[-1] if name.split() else name,
        offices=(Office(target.title, "", phone, EASTERN, main=True),) if phone else (),
        contact_form=target.url or None,
        email=target.email or None,
    )


def targets_of(campaign: Campaign | None) -> list[Recipient]:
    return [target_recipient(t) for t in campaign.targets] if campaign else []


class SlugRefused(ValueError):
    """A link name that can't be used: `reason` is "locked" (the campaign is public),
    "taken", or "too-many" (the campaign has been shared under MAX_LINKS names already)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Link names a campaign may be shared under, over its life: each stays its own for good.
MAX_LINKS = 3

# What an organizer's campaign form sets, besides the link name and the offices.
EDITABLE = (
    "title", "description", "asks", "status", "ends_on", "goal", "show_progress", "opening",
    "closing", "call_script", "call_starts", "call_ends", "call_zone", "bill",
)  # fmt: skip
# A bill as Congress numbers it, with the Congress it was introduced in.
BILL = re.compile(
    r"^(?:H\.R\.|S\.|H\.Res\.|S\.Res\.|H\.J\.Res\.|S\.J\.Res\.|H\.Con\.Res\.|S\.Con\.Res\.) "
    r"[1-9][0-9]{0,4} \((?P<congress>[1-9][0-9]{2})(?:st|nd|rd|th) Congress\)$"
)


def bill_for(campaign: Campaign | None, congress: int) -> str:
    """The bill a campaign asks members to co-sponsor, while its Congress sits (a bill dies
    with the Congress it was introduced in)."""
    m = BILL.match(campaign.bill or "") if campaign else None
    return campaign.bill if m and int(m["congress"]) == congress and campaign else ""


class TooManyCampaigns(Exception):
    """The organizer has created as many campaigns in the past day as an account may."""


def save(
    session: DbSession,
    campaign: Campaign,
    fields: dict[str, Any],
    targets: list[dict[str, str]],
    now: datetime,
    *,
    per_day: int | None = None,
) -> Campaign:
    """Create or update a campaign: its link name (given, kept, or made from the title) must
    be free and can't change while it is public; its offices are replaced. A link name it is
    shared under (live or closed) is its own for good. A new one is refused past `per_day`
    created by its organizer in the past day. Raises SlugRefused, TooManyCampaigns."""
    if campaign.id is None and per_day is not None:
        if created_since(session, campaign.organizer_id, now - timedelta(days=1)) >= per_day:
            raise TooManyCampaigns()
    slug = fields.get("slug") or campaign.slug or unique_slug(session, fields["title"])
    if campaign.slug and slug != campaign.slug and campaign.status != "draft":
        raise SlugRefused("locked")
    if slug in RESERVED_SLUGS or slug_taken(session, slug, campaign.id):
        raise SlugRefused("taken")
    for key in EDITABLE:
        if key in fields:
            setattr(campaign, key, fields[key])
    campaign.slug = slug
    campaign.targets = [
        Target(position=i, **{k: v or "" for k, v in entry.items()})
        for i, entry in enumerate(targets)
    ]
    campaign.created_at = campaign.created_at or now
    campaign.updated_at = now
    session.add(campaign)
    try:
        if campaign.status != "draft":
            session.flush()  # its id, for its link
            links = set(session.scalars(
                sa.select(CampaignLink.slug).where(CampaignLink.campaign_id == campaign.id)
            ))  # fmt: skip
            if slug not in links:
                if len(links) >= MAX_LINKS:
                    session.rollback()
                    raise SlugRefused("too-many")
                session.add(CampaignLink(slug=slug, campaign_id=campaign.id, created_at=now))
        session.commit()
    except sa.exc.IntegrityError:  # another organizer took the name a moment ago
        session.rollback()
        raise SlugRefused("taken") from None
    return campaign
