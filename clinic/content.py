"""Markdown documents with front matter, rendered once when the app starts."""

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import frontmatter
import markdown
from markupsafe import Markup

WORDS_PER_MINUTE = 200
CITATION = re.compile(r"\[(@[\w-]+(?:\s*[,;]\s*@[\w-]+)*)\]")


class ContentError(ValueError):
    """A content file is malformed; raised at start-up, never at request time."""


@dataclass(frozen=True)
class Reference:
    """A source a page cites: a paper (DOI or PubMed) or a page on the web (url),
    such as a prescribing label or an FDA notice."""

    key: str
    title: str  # the published title, or, when `described`, what the source is
    journal: str  # the journal, or who publishes the page
    year: int | None = None  # None: an undated web page
    authors: str = ""
    details: str = ""
    doi: str = ""
    pmid: str = ""
    pubmed_search: str = ""
    url: str = ""
    # The source has no title of its own to quote (a label search, a record seen
    # only as a reproduction): `title` describes it, shown in brackets.
    described: bool = False

    @property
    def href(self) -> str | None:
        """Link to the DOI, else the PubMed record, else the page, else a PubMed
        title search; None for an announcement cited as printed."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.url:
            return self.url
        if not self.pubmed_search:
            return None
        return f"https://pubmed.ncbi.nlm.nih.gov/?term={quote_plus(self.pubmed_search)}"


def cited_references(doc: "Document") -> list[Reference]:
    """The references a document lists, in the order it first cites them; any
    listed and never cited, cited and never listed, or without a working link stops
    start-up."""
    try:
        listed = {
            ref["key"]: Reference(**ref) for ref in doc.meta.get("references", [])
        }
    except (TypeError, KeyError) as exc:
        raise ContentError(f"{doc.slug}: malformed reference ({exc})") from None
    unknown = [key for key in doc.cited if key not in listed]
    if unknown:
        raise ContentError(f"{doc.slug}: cites unknown references {unknown}")
    uncited = sorted(set(listed) - set(doc.cited))
    if uncited:
        raise ContentError(f"{doc.slug}: lists references never cited {uncited}")
    for ref in listed.values():
        problem = reference_problem(ref)
        if problem:
            raise ContentError(f"{doc.slug}: reference {ref.key} {problem}")
    return [listed[key] for key in doc.cited]


def reference_problem(ref: Reference) -> str | None:
    if not (ref.doi or ref.pmid or ref.pubmed_search or ref.url):
        # A dated announcement our fact sheets name without an address (a news
        # report of an approval) is cited as printed: described, and dated.
        if not (ref.described and ref.year and ref.details):
            return "has no DOI, PubMed or url"
    if ref.url and not well_formed(ref.url):
        return "url is not a plain https link"
    if ref.doi and not re.fullmatch(r"10\.\d{4,9}/\S+", ref.doi):
        return "DOI is malformed"
    if ref.pmid and not re.fullmatch(r"\d{1,9}", str(ref.pmid)):
        return "PMID is malformed"
    return None


def well_formed(url: str) -> bool:
    """An absolute https link with a host and nothing a browser would mangle."""
    parts = urlsplit(url)
    return (
        parts.scheme == "https"
        and "." in parts.netloc
        and not re.search(r"[\s<>\"]", url)
    )


@dataclass(frozen=True)
class Document:
    slug: str
    meta: dict
    html: Markup
    toc: list[dict]
    cited: list[str]
    words: int

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


def load_folder(folder: Path) -> list[Document]:
    """Read every .md file in a folder, in file-name order."""
    return [load_file(path) for path in sorted(folder.glob("*.md"))]


def load_file(path: Path) -> Document:
    """Read one Markdown file: its front matter, its HTML and its citations, parsed
    once per process for as long as the file is unchanged."""
    stat = path.stat()
    return parse_file(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def parse_file(path: Path, mtime_ns: int, size: int) -> Document:
    post = frontmatter.load(path)
    try:
        html, toc, cited = render(post.content)
    except ContentError as exc:
        raise ContentError(f"{path.name}: {exc}") from exc
    words = len(re.findall(r"\w+", post.content))
    return Document(path.stem, dict(post.metadata), html, toc, cited, words)


def render(text: str) -> tuple[Markup, list[dict], list[str]]:
    """Turn Markdown into HTML, numbering [@key] citations by first appearance."""
    cited: list[str] = []

    def number(match: re.Match) -> str:
        keys = [k.strip().lstrip("@") for k in re.split(r"[,;]", match.group(1))]
        links = []
        for key in keys:
            if key not in cited:
                cited.append(key)
            n = cited.index(key) + 1
            links.append(f'<a href="#ref-{n}" aria-label="Reference {n}">{n}</a>')
        return f'<sup class="cite">[{", ".join(links)}]</sup>'

    md = markdown.Markdown(
        extensions=["toc", "tables", "attr_list", "sane_lists"],
        extension_configs={"toc": {"toc_depth": "2-2", "permalink": False}},
    )
    html = md.convert(CITATION.sub(number, text))
    toc = [{"id": t["id"], "name": t["name"]} for t in md.toc_tokens]
    return Markup(html), toc, cited
