"""Markdown documents with front matter, rendered once when the app starts."""

import math
import re
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import markdown
from markupsafe import Markup

WORDS_PER_MINUTE = 200
CITATION = re.compile(r"\[(@[\w-]+(?:\s*[,;]\s*@[\w-]+)*)\]")


class ContentError(ValueError):
    """A content file is malformed; raised at start-up, never at request time."""


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
    """Read one Markdown file: its front matter, its HTML and its citations."""
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
