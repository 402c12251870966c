"""Command-line messages: msg() templates in the Qt catalogue, localize(), and `kwapp` in Japanese and English."""

from __future__ import annotations

import ast
import os
import pickle
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers_audio import require_model
from kwapp.messages import CONTEXT, Message, localize, message_of, msg, system_language

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kwapp"
CATALOGUE = PACKAGE / "ui" / "translations" / "kwapp_ja.ts"
MISSING_WAV = "/nonexistent.wav"
ENGLISH_MISSING = f"kwapp: error: audio file {MISSING_WAV} not found; pass an existing WAV or FLAC file"
JAPANESE_MISSING = f"kwapp: エラー: 音声ファイル {MISSING_WAV} が見つかりません"
EXIT_BAD_INPUT = 2
TIMEOUT_S = 120


def msg_templates() -> dict[str, str]:
    """{template: "file:line"} of every msg("literal", ...) call in kwapp."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg":
                template = node.args[0]
                assert isinstance(template, ast.Constant), f"{path}:{node.lineno}: msg() needs a literal template"
                found[template.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def catalogue() -> dict[str, ET.Element]:
    for context in ET.parse(CATALOGUE).getroot().iter("context"):
        if context.findtext("name") == CONTEXT:
            return {m.findtext("source"): m.find("translation") for m in context.iter("message")}
    return {}


def fields(text: str) -> list[tuple[str, str, str]]:
    """(name, format spec, conversion) of each placeholder, sorted, so that "{t:.2f}" must stay "{t:.2f}"."""
    return sorted((name, spec or "", conversion or "") for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None)


def kwapp(*args: str, lang_env: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    if lang_env is not None:
        env["LANG"] = lang_env
    return subprocess.run([sys.executable, "-m", "kwapp", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=TIMEOUT_S)


def test_catalogue_has_every_template():
    entries = catalogue()
    missing = {t: where for t, where in msg_templates().items() if t not in entries}
    assert not missing, f"templates missing from {CATALOGUE.name} (run scripts/update_messages.py): {missing}"


def test_catalogue_translations_finished():
    entries = catalogue()
    unfinished = [t for t in msg_templates() if t in entries and entries[t].get("type") is not None]
    assert not unfinished, f"unfinished or vanished translations: {unfinished}"


def test_catalogue_translations_not_empty():
    entries = catalogue()
    empty = [t for t in msg_templates() if t in entries and not (entries[t].text or "").strip()]
    assert not empty, f"empty translations: {empty}"


def test_catalogue_keeps_placeholders_and_formats():
    broken = [(source, t.text) for source, t in catalogue().items() if fields(source) != fields(t.text or "")]
    assert not broken, f"translations whose placeholders differ from the source: {broken}"


def test_update_script_check_passes():
    result = subprocess.run([sys.executable, "scripts/update_messages.py", "--check"], capture_output=True, text=True,
                            cwd=ROOT, timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stdout + result.stderr


def test_message_text_is_english():
    message = msg("audio file {path} not found; pass an existing WAV or FLAC file", path="a.wav")
    assert message == "audio file a.wav not found; pass an existing WAV or FLAC file"
    assert isinstance(message, str)
    assert message.values == {"path": "a.wav"}


def test_message_survives_pickle():
    message = msg("no recordings found in {folders}", folders=["a"])
    copy = pickle.loads(pickle.dumps(message))
    assert isinstance(copy, Message)
    assert copy.template == message.template
    assert copy == message


def test_message_of_keeps_message():
    message = msg("a number")
    assert message_of(ValueError(message)) is message
    assert message_of(OSError(2, "No such file")) == "[Errno 2] No such file"


def test_localize_japanese():
    message = msg("audio file {path} not found; pass an existing WAV or FLAC file", path="a.wav")
    assert localize(message, "ja") == "音声ファイル a.wav が見つかりません。存在する WAV または FLAC ファイルを指定してください"


def test_localize_english():
    message = msg("audio file {path} not found; pass an existing WAV or FLAC file", path="a.wav")
    assert localize(message, "en") == "audio file a.wav not found; pass an existing WAV or FLAC file"


def test_localize_nested_message():
    inner = msg("mqtt.port = {port} is invalid; use 1..65535, or 0 for the default", port=70000)
    outer = msg("config file {path}: {error}", path="k.toml", error=inner)
    assert localize(outer, "ja") == "設定ファイル k.toml: mqtt.port = 70000 は無効です。1..65535 を指定するか、既定のポートには 0 を指定してください"


def test_localize_keeps_format_spec():
    line = msg("accuracy {accuracy:.4f} on {n} clips ({mode})", accuracy=0.5, n=3, mode="stream_int8")
    assert localize(line, "ja") == "正解率 0.5000（3 クリップ、stream_int8）"


def test_localize_untranslated_template():
    message = msg("template without a translation {x}", x=1)
    assert localize(message, "ja") == "template without a translation 1"


def test_localize_plain_string():
    assert localize("plain text", "ja") == "plain text"


@pytest.mark.parametrize("environ, language", [
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "C.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "ja"),
])
def test_system_language_from_environment(environ, language):
    assert system_language(environ) == language


def test_import_without_qt():
    code = "import sys, kwapp.messages, kwapp.cli, kwapp.service_config; print(sorted(m for m in sys.modules if 'PySide6' in m))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=TIMEOUT_S)
    assert result.stdout.strip() == "[]", result.stderr


def test_cli_error_japanese():
    result = kwapp("--lang", "ja", "listen", "--file", MISSING_WAV)
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert JAPANESE_MISSING in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_error_english():
    result = kwapp("--lang", "en", "listen", "--file", MISSING_WAV, lang_env="ja_JP.UTF-8")
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert ENGLISH_MISSING in result.stderr


def test_cli_lang_after_command():
    result = kwapp("listen", "--lang", "en", "--file", MISSING_WAV, lang_env="ja_JP.UTF-8")
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert ENGLISH_MISSING in result.stderr


def test_cli_error_from_locale():
    result = kwapp("listen", "--file", MISSING_WAV, lang_env="ja_JP.UTF-8")
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert JAPANESE_MISSING in result.stderr


def test_cli_error_default_english():
    result = kwapp("listen", "--file", MISSING_WAV, lang_env="C.UTF-8")
    assert ENGLISH_MISSING in result.stderr


def test_cli_wrapped_config_error_japanese(tmp_path):
    config = tmp_path / "kwapp.toml"
    config.write_text('[mqtt]\nhost = "broker"\nport = 70000\n', encoding="utf-8")
    result = kwapp("--lang", "ja", "listen", "--model", str(require_model()), "--file", str(ROOT / "assets" / "demo.wav"),
                   "--config", str(config))
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert f"kwapp: エラー: 設定ファイル {config}: mqtt.port = 70000 は無効です" in result.stderr


def test_cli_eval_output_japanese():
    data = ROOT / "tests" / "data" / "kws"
    result = kwapp("--lang", "ja", "eval", "--model", str(require_model()), "--data", str(data),
                   "--modes", "stream_int8")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("正解率 ")
