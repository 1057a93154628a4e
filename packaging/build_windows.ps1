# Build the Windows release of EcoDesk: venv → pip install → PyInstaller → self-test → Inno Setup.
#
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1 [-Python py] [-SkipInstaller]
#
# Needs 64-bit Python 3.11 and Inno Setup 6.3+ (ISCC.exe). Results:
#   dist\EcoDesk\                      the one-folder program (EcoDesk.exe, ecodesk-cli.exe, _internal\)
#   dist\EcoDesk-<version>-portable.zip the same folder zipped, with portable.txt (USB stick)
#   dist\installer\EcoDesk-<version>-setup.exe
#   build\selftest-report.txt          what EcoDesk.exe --self-test printed
param(
    [string]$Python = "python",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
$started = Get-Date

# PowerShell does not stop on a failing native command by itself.
function Invoke-Checked {
    param([string]$Exe, [Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

Write-Host "== venv and dependencies"
if (-not (Test-Path ".venv-build\Scripts\python.exe")) { Invoke-Checked $Python -m venv .venv-build }
$py = (Resolve-Path ".venv-build\Scripts\python.exe").Path
Invoke-Checked $py -m pip install --quiet --upgrade pip
Invoke-Checked $py -m pip install --quiet -e ".[package]"
$version = (& $py -c "import sys; sys.path.insert(0, 'packaging'); import version_info; print(version_info.project_version())").Trim()
$fileVersion = (& $py -c "import sys; sys.path.insert(0, 'packaging'); import version_info as v; print('.'.join(map(str, v.version_tuple(v.project_version()))))").Trim()
if (-not $version -or -not $fileVersion) { throw "cannot read the version from pyproject.toml" }
Write-Host "EcoDesk $version (file version $fileVersion)"

Write-Host "== PyInstaller (packaging\ecodesk.spec)"
Invoke-Checked $py -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\ecodesk.spec
$bundle = "dist\EcoDesk"
foreach ($exe in @("EcoDesk.exe", "ecodesk-cli.exe")) {
    if (-not (Test-Path (Join-Path $bundle $exe))) { throw "the build made no $bundle\$exe" }
}
$sizeMb = [math]::Round(((Get-ChildItem $bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB), 0)
Write-Host "bundle: $bundle, $sizeMb MB"

Write-Host "== frozen command line and self-test"
Invoke-Checked "$bundle\ecodesk-cli.exe" --version
# EcoDesk.exe is a windowed program: no console output and no waiting by default, so start it,
# wait for it, and read the report it writes. A crash before the self-test starts shows
# PyInstaller's error box, which nobody clicks on a build machine: give up after 5 minutes.
$report = Join-Path (Get-Location) "build\selftest-report.txt"
Remove-Item $report -ErrorAction SilentlyContinue
$proc = Start-Process -FilePath "$bundle\EcoDesk.exe" -ArgumentList @("--self-test", "`"$report`"") -PassThru
$null = $proc.Handle  # keeps the handle so ExitCode is still readable after the process ends
if (-not $proc.WaitForExit(300000)) {
    $proc.Kill()
    throw "EcoDesk.exe --self-test did not finish in 5 minutes (an error box waiting for a click?)"
}
if (Test-Path $report) { Get-Content $report -Encoding UTF8 | Write-Host }
if ($proc.ExitCode -ne 0) { throw "EcoDesk.exe --self-test failed with exit code $($proc.ExitCode)" }

Write-Host "== portable zip"
$zip = "dist\EcoDesk-$version-portable.zip"
$stage = "build\portable\EcoDesk"
Remove-Item "build\portable" -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Force -Path "build\portable" | Out-Null
Copy-Item $bundle $stage -Recurse
Copy-Item "packaging\portable.txt" $stage
Remove-Item $zip -ErrorAction SilentlyContinue
Compress-Archive -Path $stage -DestinationPath $zip
Write-Host "portable: $zip"

if (-not $SkipInstaller) {
    Write-Host "== Inno Setup"
    $iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
    if (-not $iscc) {
        $iscc = @(
            "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
            "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
            "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
        ) | Where-Object { Test-Path $_ } | Select-Object -First 1
    }
    if (-not $iscc) { throw "ISCC.exe (Inno Setup 6) not found: install it or pass -SkipInstaller" }
    Invoke-Checked $iscc "/DAppVersion=$version" "/DFileVersion=$fileVersion" "packaging\installer.iss"
    Get-ChildItem "dist\installer\*.exe" | ForEach-Object { Write-Host "installer: $($_.FullName)" }
}
Write-Host ("done in {0:N0} s" -f ((Get-Date) - $started).TotalSeconds)
