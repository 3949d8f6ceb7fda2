"""pip's settings read as pip reads them: files in its order, [download] over [global], PIP_*."""

from __future__ import annotations

from pathlib import Path

from assistant.core.engine.pip_config import DEFAULT_INDEX, config_files, pip_settings


def home_with(tmp_path: Path, user: str | None = None) -> dict[str, str]:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env["XDG_CONFIG_DIRS"] = str(tmp_path / "xdg")
    if user is not None:
        (tmp_path / "cfg" / "pip").mkdir(parents=True)
        (tmp_path / "cfg" / "pip" / "pip.conf").write_text(user)
    return env


def test_nothing_configured_means_pypi(tmp_path: Path) -> None:
    settings = pip_settings(home_with(tmp_path))
    assert settings.index_url == DEFAULT_INDEX and settings.indexes == (DEFAULT_INDEX,)
    assert settings.proxy is None and not settings.no_index


def test_the_users_file_then_the_download_section_then_the_environment(tmp_path: Path) -> None:
    env = home_with(
        tmp_path,
        "[global]\nindex-url = https://mirror.example/simple\nproxy = http://proxy:3128\n"
        "trusted-host = mirror.example\n  other.example\ntimeout = 40\n"
        "[download]\nextra-index-url = https://extra.example/simple\n",
    )
    settings = pip_settings(env)
    assert settings.index_url == "https://mirror.example/simple"
    assert settings.indexes == ("https://mirror.example/simple", "https://extra.example/simple")
    assert settings.proxy == "http://proxy:3128"
    assert settings.trusted_hosts == ("mirror.example", "other.example")
    assert settings.timeout == 40.0
    env["PIP_INDEX_URL"] = "https://env.example/simple"
    env["PIP_NO_INDEX"] = "yes"
    env["PIP_FIND_LINKS"] = "/wheels /more"
    settings = pip_settings(env)
    assert settings.index_url == "https://env.example/simple"
    assert settings.no_index and settings.indexes == ()
    assert settings.find_links == ("/wheels", "/more")


def test_pip_config_file_replaces_the_users_files(tmp_path: Path) -> None:
    env = home_with(tmp_path, "[global]\nindex-url = https://user.example/simple\n")
    explicit = tmp_path / "explicit.conf"
    explicit.write_text("[global]\ncert = /etc/ssl/corp.pem\n")
    env["PIP_CONFIG_FILE"] = str(explicit)
    files = config_files(env)
    assert explicit in files and tmp_path / "cfg" / "pip" / "pip.conf" not in files
    settings = pip_settings(env)
    assert settings.index_url == DEFAULT_INDEX and settings.cert == "/etc/ssl/corp.pem"
    assert str(explicit) in settings.sources
