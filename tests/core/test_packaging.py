"""Static checks of packaging/: the version resource text, and the installer script agreeing with
ecodesk.paths (marker name, data folder apart from the program) and with its own messages.

The build itself is proved by packaging/build_linux_smoke.sh (PyInstaller + frozen --self-test)."""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ecodesk import paths

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _version_info() -> ModuleType:
    spec = importlib.util.spec_from_file_location("version_info", PACKAGING / "version_info.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Node:
    """Stands in for PyInstaller's versioninfo classes: records what the text builds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs


def _evaluate(text: str) -> _Node:
    names = (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    )
    namespace = {name: type(name, (_Node,), {}) for name in names}
    tree = ast.parse(text, mode="eval")  # PyInstaller eval()s the file; it must be one expression
    result = eval(compile(tree, "version_info.txt", "eval"), namespace)  # noqa: S307 - our own generated text
    assert isinstance(result, _Node)
    return result


def test_version_resource_carries_the_project_version() -> None:
    vi = _version_info()
    with (ROOT / "pyproject.toml").open("rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    assert vi.project_version() == version
    info = _evaluate(vi.render(version, "EcoDesk.exe"))
    ffi = info.kwargs["ffi"]
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:4])
    assert ffi.kwargs["filevers"][: len(numbers)] == numbers
    assert ffi.kwargs["prodvers"] == ffi.kwargs["filevers"]
    string_info, var_info = info.kwargs["kids"]
    table = string_info.args[0][0]
    assert table.args[0] == "080404B0"  # Chinese (PRC), Unicode
    strings = {s.args[0]: s.args[1] for s in table.args[1]}
    assert strings["FileVersion"] == strings["ProductVersion"] == version
    assert strings["OriginalFilename"] == "EcoDesk.exe"
    assert strings["FileDescription"] == "乡镇生态环境工作台账"
    assert var_info.args[0][0].args == ("Translation", [0x0804, 1200])


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2.0rc1", (1, 2, 0, 0)),
        ("2026.11", (2026, 11, 0, 0)),
        ("3.4.5.6+g1", (3, 4, 5, 6)),
    ],
)
def test_windows_file_version_numbers(version: str, numbers: tuple[int, ...]) -> None:
    assert _version_info().version_tuple(version) == numbers


def test_a_version_windows_cannot_hold_is_refused() -> None:
    vi = _version_info()
    with pytest.raises(ValueError, match="65535"):
        vi.version_tuple("70000.1")
    with pytest.raises(ValueError):
        vi.version_tuple("next")


def _read_bom(path: Path) -> str:
    raw = path.read_bytes()
    # Inno Setup 6 reads a script or .isl as UTF-8 only when it starts with a byte-order mark.
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} must be UTF-8 with BOM"
    return raw.decode("utf-8-sig")


def test_installer_is_per_user_and_apart_from_the_data_folder() -> None:
    iss = _read_bom(PACKAGING / "installer.iss")
    setup = dict(
        line.split("=", 1)
        for line in iss.split("[Setup]", 1)[1].split("\n[", 1)[0].splitlines()
        if "=" in line and not line.startswith(";")
    )
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] == r"{userpf}\EcoDesk"  # %LOCALAPPDATA%\Programs\EcoDesk
    assert setup["Uninstallable"] == "not WizardIsTaskSelected('portable')"
    # The data folder is %LOCALAPPDATA%\EcoDesk (platformdirs, roaming=False): a different folder.
    assert paths.APP_NAME == "EcoDesk"
    assert "[UninstallDelete]" not in iss  # nothing beyond the installed files is ever removed
    assert "'EcoDesk'" in iss and "{localappdata}" in iss  # the installer's own data-folder guard


def test_portable_task_writes_the_marker_paths_looks_for() -> None:
    iss = _read_bom(PACKAGING / "installer.iss")
    assert re.search(r'^Name: "portable";.*Flags: unchecked', iss, re.M)
    line = next(x for x in iss.splitlines() if x.startswith("Source:") and "Tasks: portable" in x)
    marker = re.search(r'Source: "([^"]+)"', line)
    assert marker is not None and marker.group(1) == paths.PORTABLE_MARKER
    assert (PACKAGING / paths.PORTABLE_MARKER).is_file()
    assert f"{{app}}\\{paths.PORTABLE_DATA}" in iss


def test_every_custom_message_the_installer_uses_is_translated() -> None:
    iss = _read_bom(PACKAGING / "installer.iss")
    isl = _read_bom(PACKAGING / "ChineseSimplified.isl")
    assert "LanguageID=$0804" in isl
    assert 'MessagesFile: "compiler:Default.isl,ChineseSimplified.isl"' in iss
    defined = set(re.findall(r"^(?:chs\.)?(\w+)=", isl.split("[CustomMessages]", 1)[1], re.M))
    defined |= set(re.findall(r"^chs\.(\w+)=", iss, re.M))
    used = set(re.findall(r"\{cm:(\w+)", iss)) | set(re.findall(r"CustomMessage\('(\w+)'\)", iss))
    assert used and used <= defined, used - defined
    # A literal % in a message must be doubled, or Inno Setup takes it for an argument.
    for line in isl.splitlines():
        if "=" in line and not line.startswith(";"):
            value = line.split("=", 1)[1]
            assert not re.search(r"%(?![0-9n%])", value.replace("%%", "")), line


def test_spec_ships_everything_under_resources_and_the_migrations() -> None:
    spec = (PACKAGING / "ecodesk.spec").read_text(encoding="utf-8")
    assert 'tree(ROOT / "resources", "resources")' in spec
    assert 'tree(MIGRATIONS, "ecodesk/db/migrations")' in spec
    assert "upx=False" in spec and "console=False" in spec
    assert 'copy_metadata("ecodesk")' in spec
    assert (PACKAGING / "ecodesk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO header
