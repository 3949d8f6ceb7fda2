"""Programming-language names: normalise what people type, guess the language of a snippet.

Names are pygments aliases ("python", "cpp", "csharp"), so the GUI highlighter can use them
directly. pygments is imported lazily: listing modes should not pay for it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import PurePosixPath

#: Languages offered in choice fields, most common first (pygments aliases).
LANGUAGES: tuple[str, ...] = (
    "python",
    "javascript",
    "typescript",
    "java",
    "c",
    "cpp",
    "csharp",
    "go",
    "rust",
    "kotlin",
    "swift",
    "php",
    "ruby",
    "bash",
    "powershell",
    "sql",
    "html",
    "css",
    "json",
    "yaml",
    "toml",
    "markdown",
    "lua",
    "r",
    "scala",
    "dart",
    "haskell",
    "elixir",
    "perl",
    "objective-c",
    "matlab",
    "zig",
)

# Names people use that pygments does not know, or knows under an odd canonical alias.
_SYNONYMS = {
    "c sharp": "csharp",
    "node": "javascript",
    "nodejs": "javascript",
    "node.js": "javascript",
    "shell script": "bash",
    "zsh": "bash",
    "ps1": "powershell",
    "pwsh": "powershell",
    "objc": "objective-c",
    "golang": "go",
    "yml": "yaml",
    "md": "markdown",
    "rscript": "r",
}
_DISPLAY_NAMES = {"r": "R", "text": "Plain text"}

# Interpreters named on a "#!" line -> language.
_SHEBANG = {
    "python": "python",
    "sh": "bash",
    "bash": "bash",
    "zsh": "bash",
    "dash": "bash",
    "ksh": "bash",
    "node": "javascript",
    "deno": "typescript",
    "ts-node": "typescript",
    "ruby": "ruby",
    "perl": "perl",
    "php": "php",
    "lua": "lua",
    "rscript": "r",
    "pwsh": "powershell",
}

# The first part of a snippet that guessing looks at (keeps guessing fast on huge pastes).
_GUESS_LIMIT = 20_000
# A heuristic guess needs at least this score (one strong sign, or a few weaker ones).
_MIN_SCORE = 3.0
# pygments' own guess (analyse_text, 0..1) is trusted only from this score up.
_MIN_PYGMENTS_SCORE = 0.5

Signs = tuple[tuple[str, float], ...]

_C_SIGNS: Signs = (
    (r"^\s*#include\s*[<\"]", 2.5),
    (r"\bint\s+main\s*\(", 1.5),
    (r"\bprintf\s*\(", 1.5),
    (r"\b(malloc|free|sizeof)\s*\(", 1.5),
    (r"^\s*(typedef\s+)?struct\s+\w+\s*\{", 1.0),
    (r"^\s*#define\s+\w+", 1.5),
)
_JS_SIGNS: Signs = (
    (r"\bconsole\.\w+\(", 3.0),
    (r"\bfunction\s*\w*\s*\(", 1.5),
    (r"^\s*(const|let|var)\s+\w+\s*=", 1.5),
    (r"=>", 1.0),
    (r"===|!==", 1.5),
    (r"\brequire\(\s*['\"]", 2.0),
    (r"^\s*import\s.*\sfrom\s+['\"]", 2.0),
    (r"^\s*export\s+(default\s+)?(function|const|class)\b", 2.0),
    (r"\b(document|window)\.\w+", 2.0),
)
_HEURISTICS: tuple[tuple[str, Signs], ...] = (
    (
        "python",
        (
            (r"^\s*(async\s+)?def\s+\w+\s*\(.*\)\s*(->\s*[^:]+)?:\s*(#.*)?$", 3.0),
            (r"^\s*class\s+\w+(\(.*\))?:\s*$", 3.0),
            (r"^\s*(from\s+[\w.]+\s+)?import\s+\w+(\s+as\s+\w+)?\s*$", 1.5),
            (r"^\s*(if|elif|else|for|while|with|try|except|finally)\b.*:\s*(#.*)?$", 1.0),
            (r"\bprint\(", 1.0),
            (r"\bself\.\w+", 1.0),
            (r"\b(None|True|False)\b", 0.5),
            (r"^\s*@\w+(\.\w+)*(\(.*\))?\s*$", 0.5),
            (r'"""|\'\'\'', 1.0),
            (r"\bf\"[^\"]*\{", 1.0),
        ),
    ),
    ("javascript", _JS_SIGNS),
    (
        "typescript",
        (
            *_JS_SIGNS,
            (r"^\s*(export\s+)?(interface|type)\s+\w+(<.*>)?\s*[={]", 3.0),
            (r"\w\s*:\s*(string|number|boolean|any|void|unknown|never)\b", 3.0),
        ),
    ),
    (
        "java",
        (
            (r"\bpublic\s+(static\s+)?(final\s+)?(class|void|interface)\b", 2.0),
            (r"\bSystem\.(out|err)\.print", 4.0),
            (r"^\s*import\s+java(x)?\.", 4.0),
            (r"^\s*package\s+[\w.]+;", 3.0),
            (r"\bString\[\]", 2.0),
            (r"@Override\b", 2.0),
        ),
    ),
    ("c", _C_SIGNS),
    (
        "cpp",
        (
            *_C_SIGNS,
            (r"\bstd::", 3.0),
            (r"\b(cout|cin|cerr)\s*<<|>>", 1.0),
            (r"^\s*template\s*<", 3.0),
            (r"#include\s*<(iostream|vector|string|map|memory|algorithm)>", 3.0),
            (r"^\s*using\s+namespace\s+\w+;", 3.0),
        ),
    ),
    (
        "csharp",
        (
            (r"^\s*using\s+System(\.\w+)*;", 4.0),
            (r"\bConsole\.Write(Line)?\(", 4.0),
            (r"\bstatic\s+(async\s+)?\w+\s+Main\s*\(", 2.0),
            (r"\{\s*get;\s*(private\s+)?(set;\s*)?\}", 3.0),
            (r"^\s*namespace\s+[\w.]+", 1.0),
        ),
    ),
    (
        "go",
        (
            (r"^package\s+\w+\s*$", 3.0),
            (r"^func\s+(\(.*\)\s*)?\w+\s*\(", 3.0),
            (r":=", 1.5),
            (r"\bfmt\.\w+\(", 2.0),
            (r"^import\s+\(\s*$", 2.0),
        ),
    ),
    (
        "rust",
        (
            (r"\bfn\s+\w+\s*(<.*>)?\s*\(", 3.0),
            (r"\blet\s+mut\b", 3.0),
            (r"^\s*impl\b", 2.0),
            (r"\b(println|format|vec|panic)!\(", 2.0),
            (r"^\s*use\s+\w+(::\w+)+", 2.0),
            (r"&mut\b|&self\b", 2.0),
        ),
    ),
    (
        "kotlin",
        (
            (r"^\s*(private\s+|suspend\s+)?fun\s+\w+\s*\(", 3.0),
            (r"^\s*val\s+\w+", 1.5),
            (r"\bprintln\(", 0.5),
        ),
    ),
    (
        "swift",
        (
            (r"^\s*import\s+(Foundation|UIKit|SwiftUI)\b", 4.0),
            (r"^\s*func\s+\w+\s*\(", 2.0),
            (r"\bguard\b.*\belse\b", 3.0),
            (r"\bvar\s+\w+\s*:\s*\w+", 1.0),
        ),
    ),
    ("php", ((r"<\?php", 6.0), (r"\$\w+\s*=", 1.0), (r"\becho\b", 0.5))),
    (
        "ruby",
        (
            (r"^\s*def\s+\w+[?!]?(\(.*\))?\s*$", 2.0),
            (r"^\s*end\s*$", 1.5),
            (r"\bputs\b", 2.0),
            (r"\bdo\s*\|\w+(,\s*\w+)*\|", 3.0),
            (r"^\s*require\s+['\"]", 2.0),
        ),
    ),
    (
        "bash",
        (
            (r"^\s*if\s+\[", 2.0),
            (r"^\s*(then|fi|done|esac)\s*$", 2.0),
            (r"^\s*for\s+\w+\s+in\s+.*;\s*do\s*$", 3.0),
            (r"^\s*export\s+\w+=", 2.0),
            (r"\|\s*(grep|awk|sed|xargs|sort|uniq|wc)\b", 2.0),
            (r"\becho\s", 1.0),
            (r"\$\{\w+\}|\"\$\w+\"", 1.0),
        ),
    ),
    (
        "powershell",
        (
            (r"\b(Get|Set|New|Remove|Write|Invoke|Start|Test)-[A-Z]\w+", 4.0),
            (r"^\s*param\s*\(", 1.5),
            (r"\$\w+\s*=", 0.5),
        ),
    ),
    (
        "sql",
        (
            (r"(?is)\bselect\b.+?\bfrom\b", 2.5),
            (r"(?i)^\s*(insert\s+into|update\s+\w+\s+set|delete\s+from)\b", 4.0),
            (r"(?i)^\s*(create|alter|drop)\s+(table|index|view)\b", 4.0),
            (r"(?i)\b(group|order)\s+by\b", 1.5),
            (r"(?i)\bjoin\b.+\bon\b", 1.0),
            (r"(?i)\bwhere\b", 0.5),
        ),
    ),
    (
        "html",
        (
            (r"(?i)<!doctype\s+html", 6.0),
            (r"(?i)<(html|head|body|div|span|p|ul|li|table|form|script)\b[^>]*>", 2.0),
            (r"</\w+>", 1.0),
        ),
    ),
    (
        "css",
        (
            (r"^\s*[\w.#:\-\[\]=\"' >+~,*()]+\s*\{\s*$", 1.0),
            (r"(?i)^\s*(color|margin|padding|font-\w+|display|background(-\w+)?|border)\s*:", 2.0),
            (r"^\s*@(media|import|font-face|keyframes)\b", 3.0),
        ),
    ),
    (
        "yaml",
        (
            (r"^---\s*$", 2.0),
            (r"^[\w-]+:\s*$", 1.0),
            (r"^[\w-]+:\s+[^\s{(\[]", 1.0),
            (r"^\s+-\s+\w", 1.0),
        ),
    ),
    (
        "toml",
        ((r"^\[{1,2}[\w.\-]+\]{1,2}\s*$", 2.0), (r"^[\w\-]+\s*=\s*(\"|\d|true|false|\[)", 1.0)),
    ),
    ("markdown", ((r"^#{1,6}\s+\w", 2.0), (r"\[[^\]]+\]\([^)]+\)", 1.5), (r"^```", 2.0))),
    (
        "lua",
        (
            (r"^\s*local\s+\w+\s*=", 3.0),
            (r"^\s*local\s+function\b", 3.0),
            (r"\bthen\s*$", 1.0),
            (r"~=", 1.5),
        ),
    ),
)


@lru_cache(maxsize=1)
def _compiled_heuristics() -> tuple[tuple[str, tuple[tuple[re.Pattern[str], float], ...]], ...]:
    return tuple(
        (alias, tuple((re.compile(pattern, re.MULTILINE), weight) for pattern, weight in signs))
        for alias, signs in _HEURISTICS
    )


@lru_cache(maxsize=512)
def lexer_alias(name: str) -> str | None:
    """The pygments alias for a language name people type ("Python", "C++", "js"), or None."""
    from pygments.lexers import find_lexer_class_by_name, get_all_lexers
    from pygments.util import ClassNotFound

    key = " ".join(name.strip().lower().split())
    if not key:
        return None
    key = _SYNONYMS.get(key, key)
    try:
        lexer_class = find_lexer_class_by_name(key)
    except ClassNotFound:
        for lexer_name, aliases, _files, _mimes in get_all_lexers(plugins=False):
            if lexer_name.lower() == key and aliases:
                return str(aliases[0])
        versionless = re.sub(r"\s*v?[\d.]+$", "", key)  # "Python 3", "C++ 20"
        return lexer_alias(versionless) if versionless and versionless != key else None
    if key in LANGUAGES:
        return key
    return str(lexer_class.aliases[0])


@lru_cache(maxsize=256)
def language_name(alias: str) -> str:
    """A display name for a language alias ("cpp" -> "C++"); unknown names come back unchanged."""
    if alias in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[alias]
    from pygments.lexers import get_all_lexers

    # pygments' table, not find_lexer_class_by_name: that imports each lexer module (0.1 s at start)
    for name, aliases, _files, _mimes in get_all_lexers(plugins=False):
        if alias in aliases:
            return str(name)
    return alias


def guess_language(code: str) -> str | None:
    """The most likely language of ``code`` as a pygments alias, or None when unsure.

    Order: a ``#!`` line, JSON that parses, weighted signs of common languages, then pygments'
    own ``guess_lexer`` when it is confident (modelines, strong analysers).
    """
    text = code[:_GUESS_LIMIT]
    if not text.strip():
        return None
    return _from_shebang(text) or _from_json(text) or _from_heuristics(text) or _from_pygments(text)


def _from_shebang(text: str) -> str | None:
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if not words:
        return None
    program = PurePosixPath(words[0]).name
    if program == "env":
        rest = [word for word in words[1:] if not word.startswith("-")]
        program = rest[0] if rest else ""
    program = re.sub(r"[\d.]+$", "", program.lower())
    return _SHEBANG.get(program)


def _from_json(text: str) -> str | None:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return "json" if isinstance(value, dict | list) else None


def _from_heuristics(text: str) -> str | None:
    best_alias, best_score = None, 0.0
    for alias, signs in _compiled_heuristics():
        score = sum(weight for pattern, weight in signs if pattern.search(text))
        if score > best_score:  # ties go to the earlier (more common) language
            best_alias, best_score = alias, score
    return best_alias if best_score >= _MIN_SCORE else None


def _from_pygments(text: str) -> str | None:
    from pygments.lexers import guess_lexer
    from pygments.modeline import get_filetype_from_buffer
    from pygments.util import ClassNotFound

    filetype = get_filetype_from_buffer(text)  # an editor modeline: "vim: ft=lua"
    if filetype:
        return lexer_alias(filetype)
    try:
        lexer = guess_lexer(text)
    except ClassNotFound:
        return None
    if type(lexer).analyse_text(text) < _MIN_PYGMENTS_SCORE or not lexer.aliases:
        return None
    alias = str(lexer.aliases[0])
    return None if alias == "text" else alias
