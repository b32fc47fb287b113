"""Where ``opd-tui serve`` takes its API key from (a file, the environment, the command line),
and the keys it refuses to start with: each refusal one line, exit status 2, nothing started or
created, and the key never in a message."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from test_api_live import start_service

from opd_tui.api.serve import serve
from opd_tui.cli import main
from opd_tui.engine import OpdError

KEY = "9f86d081884c7d659a2feaa0c55ad015"  # what openssl rand -hex 16 makes
ENV_KEY = "from-the-environment-0123"
SHORT = "needs at least 16 visible characters"
VISIBLE = (
    "an API key may hold only visible ASCII characters (letters, digits and punctuation), "
    "no spaces or control characters"
)


def status_of_day(url: str, key: str | None = None) -> int:
    headers = {} if key is None else {"X-API-Key": key}
    try:
        request = urllib.request.Request(f"{url}/day", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_a_live_service_takes_its_key_from_a_file_not_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPD_TUI_API_KEY", ENV_KEY)  # the file comes first
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")  # as `openssl rand -hex 16 > key` writes it
    key_file.chmod(0o600)
    process, url = start_service(tmp_path / "j.db", "--api-key-file", str(key_file))
    try:
        if sys.platform == "linux":  # what ps shows of the process
            assert KEY.encode() not in Path(f"/proc/{process.pid}/cmdline").read_bytes()
        assert status_of_day(url) == 401
        assert status_of_day(url, ENV_KEY) == 401
        assert status_of_day(url, KEY + "x") == 401
        assert status_of_day(url, KEY) == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_short_key_is_refused_in_one_line_and_nothing_starts(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("s3cret\n")
    path = tmp_path / "j.db"
    command = [sys.executable, "-m", "opd_tui", "serve", "--db", str(path), "--new", "--demo"]
    command += ["--port", "0", "--api-key-file", str(key_file)]
    env = {k: v for k, v in os.environ.items() if k != "OPD_TUI_API_KEY"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"opd-tui: --api-key-file {key_file}: an API key needs at least 16 visible characters "
        "(got 6)\n",
    )
    assert not path.exists()


@pytest.fixture
def serving(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """``serve`` replaced by a note of the key it was given: nothing listens, nothing blocks."""
    keys: list[str | None] = []

    def note(db: Path, host: str, port: int, api_key: str | None, **options: Any) -> int:
        keys.append(api_key)
        return 0

    monkeypatch.setattr("opd_tui.api.serve.serve", note)
    monkeypatch.delenv("OPD_TUI_API_KEY", raising=False)
    return keys


@pytest.mark.parametrize(
    ("flags", "environment", "key"),
    [
        (["--api-key-file", "{file}"], ENV_KEY, KEY),
        (["--api-key", "from-the-command-line"], ENV_KEY, "from-the-command-line"),
        (["--api-key", "\t from-the-command-line \n"], None, "from-the-command-line"),
        ([], ENV_KEY, ENV_KEY),
        ([], f"  {ENV_KEY}\n", ENV_KEY),
        ([], "", None),  # an empty variable is no key
        ([], None, None),
    ],
)
def test_the_key_comes_from_the_file_then_the_flag_then_the_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    serving: list[str | None],
    flags: list[str],
    environment: str | None,
    key: str | None,
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(f"\n  {KEY}  \r\n")
    if environment is not None:
        monkeypatch.setenv("OPD_TUI_API_KEY", environment)
    flags = [flag.format(file=key_file) for flag in flags]
    assert main(["serve", "--db", str(tmp_path / "j.db"), "--new", *flags]) == 0
    assert serving == [key]


@pytest.mark.parametrize(
    ("flags", "environment", "content", "message"),
    [
        (["--api-key", "s3cret"], None, None, f"--api-key: an API key {SHORT} (got 6)"),
        (["--api-key", " "], None, None, f"--api-key: an API key {SHORT} (got 0)"),
        (["--api-key", ""], None, None, f"--api-key: an API key {SHORT} (got 0)"),
        (["--api-key", "0123456789abcde"], None, None, f"--api-key: an API key {SHORT} (got 15)"),
        ([], "tooshort", None, f"OPD_TUI_API_KEY: an API key {SHORT} (got 8)"),
        ([], " \t", None, f"OPD_TUI_API_KEY: an API key {SHORT} (got 0)"),
        (["--api-key-file", "{file}"], None, "abc\n", f"--api-key-file {{file}}: an API key {SHORT} (got 3)"),
        (["--api-key-file", "{file}"], ENV_KEY, "", f"--api-key-file {{file}}: an API key {SHORT} (got 0)"),
        (["--api-key", "a key with spaces inside it"], None, None, f"--api-key: {VISIBLE}"),
        (["--api-key", "a-key-with-a-tab\there"], None, None, f"--api-key: {VISIBLE}"),
        (["--api-key", "clé-non-ascii-très-longue"], None, None, f"--api-key: {VISIBLE}"),
        ([], "bell\x07in-the-environment", None, f"OPD_TUI_API_KEY: {VISIBLE}"),
        (["--api-key-file", "{file}"], None, "two\nlines-of-a-long-key\n", f"--api-key-file {{file}}: {VISIBLE}"),
        (["--api-key-file", "{file}"], None, b"\xff\xfe0123456789abcdef", "--api-key-file {file}: not text in UTF-8"),
        (["--api-key-file", "{file}"], None, "k" * 5000, "--api-key-file {file}: over 4096 bytes, so not a file holding a key"),
        (["--api-key-file", "{file}"], ENV_KEY, None, "--api-key-file {file}: cannot read it: No such file or directory"),
        (["--api-key-file", "{folder}"], None, None, "--api-key-file {folder}: cannot read it: Is a directory"),
        (["--api-key-file", "{file}", "--api-key", KEY], None, KEY, "argument --api-key: not allowed with argument --api-key-file"),
        (["--api-key", KEY, "--api-key-file", "{file}"], None, KEY, "argument --api-key-file: not allowed with argument --api-key"),
    ],
)  # fmt: skip
def test_a_key_that_cannot_work_is_refused_in_one_line_and_nothing_starts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    serving: list[str | None],
    flags: list[str],
    environment: str | None,
    content: str | bytes | None,
    message: str,
) -> None:
    key_file = tmp_path / "key"
    if isinstance(content, bytes):
        key_file.write_bytes(content)
    elif content is not None:
        key_file.write_text(content)
    if environment is not None:
        monkeypatch.setenv("OPD_TUI_API_KEY", environment)
    where = {"file": key_file, "folder": tmp_path}
    flags = [flag.format(**where) for flag in flags]
    path = tmp_path / "j.db"
    status: int | str | None
    try:
        status = main(["serve", "--db", str(path), "--new", "--demo", *flags])
    except SystemExit as exit:  # the command line's own refusals end the parsing
        status = exit.code
    assert status == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"opd-tui: {message.format(**where)}\n")  # and never the key
    assert serving == []  # the service was never started
    assert not path.exists()


def test_the_service_itself_refuses_a_key_that_cannot_work(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    for key, problem in (("s3cret", f"an API key {SHORT} (got 6)"), (f" {KEY}", VISIBLE)):
        with pytest.raises(OpdError) as refused:
            serve(path, "127.0.0.1", 0, key, create=True)
        assert str(refused.value) == problem
    assert not path.exists()
