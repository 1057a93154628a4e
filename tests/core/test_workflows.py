"""Issue 20 point 11 and "Test on Windows where we can": what the Windows build and its workflows
promise, read from the files themselves (the Windows runner and SignTool cannot run here).

- every program the PyInstaller spec builds is signed by build_windows.ps1 before it is tested and
  zipped, and the installer signs the setup and its uninstaller, only when a certificate is given;
- the Windows test workflow runs the suite without ``slow`` on Python 3.11 after every push to main,
  installed as .ci/run installs it;
- the release workflow tries the program from a folder with Chinese characters and a space, and a
  second EcoDesk against the data file the first holds;
- every workflow passes GitHub's workflow schema (check-jsonschema, the dev extra), as .ci/run checks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
WORKFLOWS = ROOT / ".github" / "workflows"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def built_programs() -> list[str]:
    """The .exe names of the spec's EXE(...) blocks."""
    spec = read(PACKAGING / "ecodesk.spec")
    return [f"{name}.exe" for name in re.findall(r"EXE\(.*?name=\"([^\"]+)\"", spec, flags=re.DOTALL)]


def test_build_signs_every_program_before_testing_and_zipping_it() -> None:
    script = read(PACKAGING / "build_windows.ps1")
    programs = re.search(r"\$programs = @\(([^)]*)\)", script)
    assert programs is not None
    assert built_programs() == ["EcoDesk.exe", "ecodesk-cli.exe"]
    assert all(f'"{exe}"' in programs.group(1) for exe in built_programs())
    signed = script.index("Invoke-Sign $signing $programs")
    assert signed < script.index('@("--self-test"') and signed < script.index("Compress-Archive -Path")
    # The certificate comes from the environment; without it the log says the build is unsigned.
    for variable in ("ECODESK_SIGN_PFX", "ECODESK_SIGN_PFX_FILE", "ECODESK_SIGN_PASSWORD"):
        assert f"$env:{variable}" in script
    assert "code signing: SKIPPED" in script
    assert "/fd" in script and "/tr" in script  # SHA-256 with a timestamp: valid after the certificate ends


def test_installer_signs_setup_and_uninstaller_only_with_a_certificate() -> None:
    installer = read(PACKAGING / "installer.iss")
    block = re.search(r"^#ifdef Sign\n(.*?)^#endif", installer, flags=re.DOTALL | re.MULTILINE)
    assert block is not None
    assert "SignTool=ecosign" in block.group(1) and "SignedUninstaller=yes" in block.group(1)
    assert installer.count("SignTool=") == 1  # never unconditionally: an unsigned build must still compile
    script = read(PACKAGING / "build_windows.ps1")
    assert '"/DSign", "/Secosign=$signCommand"' in script
    assert "' $f'" in script  # Inno Setup puts the file to sign there


def test_windows_tests_run_on_every_push_to_main_without_slow() -> None:
    workflow = read(WORKFLOWS / "windows-tests.yml")
    assert re.search(r"push:\s*\n\s*branches: \[main\]", workflow)
    assert "runs-on: windows-latest" in workflow
    assert 'python-version: "3.11"' in workflow
    assert 'pytest -m "not slow"' in workflow
    install = 'python -m pip install -e ".[test]"'
    assert install in workflow and install in read(ROOT / ".ci" / "run")
    assert "ECODESK_REQUIRE_SOFFICE" not in workflow.replace("(ECODESK_REQUIRE_SOFFICE is not set here)", "")
    # The `slow` marker the workflow leaves out is one pytest knows (--strict-markers).
    assert '"slow: ' in read(ROOT / "pyproject.toml")


def test_release_tries_a_chinese_path_and_a_second_instance() -> None:
    release = read(WORKFLOWS / "windows-release.yml")
    assert '"测试 目录"' in release and "--self-test" in release
    assert "secrets.ECODESK_SIGN_PFX" in release and "secrets.ECODESK_SIGN_PASSWORD" in release
    second = release[release.index("A second EcoDesk") :]
    assert "另一个 EcoDesk" in second and "$second.ExitCode -ne 0" in second


def test_ci_checks_every_workflow_against_githubs_schema() -> None:
    assert "check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml" in read(
        ROOT / ".ci" / "run"
    )
    assert '"check-jsonschema>=' in read(ROOT / "pyproject.toml")
    pytest.importorskip("check_jsonschema", reason="check-jsonschema comes with the dev extra")
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) >= 2
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stdout + result.stderr
