"""Language names and guessing the language of a snippet."""

from __future__ import annotations

import pytest

from assistant.core.text.languages import LANGUAGES, guess_language, language_name, lexer_alias

SNIPPETS = {
    "python": "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n",
    "javascript": "const xs = [1, 2, 3];\nconsole.log(xs.map(x => x * 2));\n",
    "typescript": "interface User { name: string; age: number }\nconst u: User = load();\n",
    "go": 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n',
    "rust": 'fn main() {\n    let mut v = Vec::new();\n    println!("{:?}", v);\n}\n',
    "c": '#include <stdio.h>\nint main(void) {\n    printf("hi\\n");\n    return 0;\n}\n',
    "cpp": '#include <iostream>\nint main() {\n    std::cout << "hi" << std::endl;\n}\n',
    "java": (
        "public class Hello {\n    public static void main(String[] args) {\n"
        '        System.out.println("hi");\n    }\n}\n'
    ),
    "csharp": 'using System;\nclass P { static void Main() { Console.WriteLine("hi"); } }\n',
    "sql": "SELECT name, COUNT(*)\nFROM users\nWHERE age > 30\nGROUP BY name;\n",
    "html": "<!DOCTYPE html>\n<html><body><p>Hi</p></body></html>\n",
    "bash": 'for f in *.txt; do\n  echo "$f"\ndone\n',
    "json": '{"a": 1, "b": [true, null]}\n',
    "ruby": "class Foo\n  def bar\n    [1, 2].each do |x|\n      puts x\n    end\n  end\nend\n",
    "php": "<?php\n$name = 'x';\necho $name;\n",
    "yaml": "name: app\nversion: 1\nitems:\n  - a\n  - b\n",
    "css": "body {\n  color: red;\n  margin: 0 auto;\n}\n",
    "kotlin": "fun main() {\n    val x = listOf(1, 2)\n    println(x)\n}\n",
    "lua": "local function greet(name)\n  if name ~= nil then\n    print(name)\n  end\nend\n",
}


@pytest.mark.parametrize(("expected", "code"), sorted(SNIPPETS.items()))
def test_guess_language_of_common_snippets(expected: str, code: str) -> None:
    assert guess_language(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("#!/usr/bin/env python3\nx = 1\n", "python"),
        ("#!/bin/sh\nls\n", "bash"),
        ("#!/usr/bin/env -S node --harmony\nx\n", "javascript"),
        ("\ufeff#!/usr/bin/ruby\nx\n", "ruby"),
    ],
)
def test_shebang_wins(code: str, expected: str) -> None:
    assert guess_language(code) == expected


def test_editor_modeline_is_honoured() -> None:
    assert guess_language("x = 1\n-- vim: set ft=lua:\n") == "lua"


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "Hello there, this is just a sentence about nothing.", "42", "{not json"],
)
def test_unsure_guesses_return_none(text: str) -> None:
    assert guess_language(text) is None


def test_guessing_a_huge_paste_looks_only_at_its_start() -> None:
    code = SNIPPETS["python"] * 20_000  # ~1 MB
    assert guess_language(code) == "python"


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        ("Python", "python"),
        ("python3", "python"),
        ("Python 3", "python"),
        ("C++", "cpp"),
        ("c#", "csharp"),
        ("js", "javascript"),
        ("Node.js", "javascript"),
        ("golang", "go"),
        ("shell", "bash"),
        ("R", "r"),
        ("Objective-C", "objective-c"),
        ("  TypeScript ", "typescript"),
        ("F#", "fsharp"),
        ("no such language", None),
        ("", None),
    ],
)
def test_lexer_alias_normalises_names(name: str, alias: str | None) -> None:
    assert lexer_alias(name) == alias


def test_every_listed_language_is_a_canonical_pygments_alias() -> None:
    assert len(set(LANGUAGES)) == len(LANGUAGES)
    for alias in LANGUAGES:
        assert lexer_alias(alias) == alias


def test_language_names_for_display() -> None:
    assert language_name("cpp") == "C++"
    assert language_name("csharp") == "C#"
    assert language_name("r") == "R"
    assert language_name("unknown-thing") == "unknown-thing"
