"""`assistant modes show|check|import` and `assistant run MODE --dry-run` as a person runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.core.prompts.modes import user_modes_dir

BROKEN = '''title = "Broken"
[prompt]
system = "Today is {{ today }}."
user = """
Summarise {{ text }} for {{ audience }}.
{% if tone %}In a {{ tone }} tone.{% endif %}
"""

[[fields]]
name = "text"
kind = "multiline"
required = true

[[fields]]
name = "tone"
kind = "text"

[[fields]]
name = "never"
kind = "text"
required = true
'''


def assistant(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},  # ASSISTANT_HOME from app_home
    )


def test_show_prints_the_shipped_file_and_a_persons_own(app_home: Path) -> None:
    shipped = assistant("modes", "show", "article")
    assert shipped.returncode == 0
    source = Path("assistant/resources/modes/article.toml").read_text(encoding="utf-8")
    assert shipped.stdout == source
    folder = user_modes_dir()
    folder.mkdir(parents=True)
    own = 'title = "Mine"\n# kept as written\n[prompt]\nuser = "{{ x }}"\n[[fields]]\nname = "x"\n'
    (folder / "mine.toml").write_text(own, encoding="utf-8")
    assert assistant("modes", "show", "mine").stdout == own
    unknown = assistant("modes", "show", "nope")
    assert unknown.returncode == 2 and "unknown mode 'nope'" in unknown.stderr


def test_check_names_each_problem_at_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    result = assistant("modes", "check", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{path}:5:29: unknown name 'audience': not a field of this mode nor a built-in "
        "variable (today, now, weekday, locale, clipboard, selection)",
        f"{path}:19:8: the required field 'never' is never used by the prompt templates",
    ]
    syntax = tmp_path / "syntax.toml"
    syntax.write_text(BROKEN.replace("{% endif %}", ""), encoding="utf-8")
    lines = assistant("modes", "check", str(syntax)).stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{syntax}:6:1: template syntax error")
    shipped = [str(p) for p in sorted(Path("assistant/resources/modes").glob("*.toml"))]
    fine = assistant("modes", "check", *shipped)
    assert fine.returncode == 0, fine.stdout
    assert fine.stdout.splitlines() == [f"{p}: ok" for p in shipped]


def test_import_a_prompt_list_then_run_one_dry(app_home: Path, tmp_path: Path) -> None:
    prompts = tmp_path / "prompts.csv"
    prompts.write_text(
        'act,prompt\n"Linux Terminal","I want you to act as a linux terminal. '
        'Reply only with the output, never {{explain}}."\n'
        '"Storyteller","Tell a story.\nKeep it short: {% no %}"\n',
        encoding="utf-8",
    )
    result = assistant("modes", "import", str(prompts))
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        "linux-terminal",
        "storyteller",
    ]
    assert "linux-terminal" in assistant("modes").stdout.split()
    dry = assistant("run", "linux-terminal", "--dry-run", stdin="pwd {{ 7*7 }}\n")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) == [
        {
            "role": "system",
            "content": "I want you to act as a linux terminal. Reply only with the output, "
            "never {{explain}}.",
        },
        {"role": "user", "content": "pwd {{ 7*7 }}\n"},
    ]
    story = json.loads(assistant("run", "storyteller", "--dry-run", "-f", "input=x").stdout)
    assert story[0]["content"] == "Tell a story.\nKeep it short: {% no %}"
    again = assistant("modes", "import", str(prompts))
    assert again.returncode == 1 and "--replace" in again.stderr  # nothing overwritten silently
    assert assistant("modes", "import", str(prompts), "--replace").returncode == 0


def test_import_refuses_a_broken_mode_file_with_its_positions(
    app_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    result = assistant("modes", "import", str(path))
    assert result.returncode == 1
    assert f"{path}:5:29: unknown name 'audience'" in result.stderr
    assert not (user_modes_dir() / "broken.toml").exists()


def test_dry_run_sends_nothing_and_shows_builtin_variables(app_home: Path) -> None:
    folder = user_modes_dir()
    folder.mkdir(parents=True)
    (folder / "dated.toml").write_text(
        'title = "Dated"\n[prompt]\nuser = "{{ today }} {{ weekday }} {{ locale }} '
        '[{{ clipboard }}] {{ note }}"\n[[fields]]\nname = "note"\n',
        encoding="utf-8",
    )
    result = assistant(
        "run", "dated", "--dry-run", "--base-url", "http://127.0.0.1:9/v1", stdin="hi"
    )  # port 9 (discard): a request would fail; nothing is sent
    assert result.returncode == 0, result.stderr
    content = json.loads(result.stdout)[0]["content"]
    today, weekday, locale, clipboard, note = content.split(" ")
    from datetime import date

    assert today == date.today().isoformat()
    assert weekday == date.today().strftime("%A")
    assert locale and clipboard == "[]" and note == "hi"
