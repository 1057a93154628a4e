# Build the Windows release of EcoDesk: venv → pip install → PyInstaller → sign → self-test → Inno Setup.
#
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1 [-Python py] [-SkipInstaller]
#
# Needs 64-bit Python 3.11 and Inno Setup 6.3+ (ISCC.exe). Results:
#   dist\EcoDesk\                      the one-folder program (EcoDesk.exe, ecodesk-cli.exe, _internal\)
#   dist\EcoDesk-<version>-portable.zip the same folder zipped, with portable.txt (USB stick)
#   dist\installer\EcoDesk-<version>-setup.exe
#   dist\SHA256SUMS.txt                 SHA-256 of the two programs, the zip and the setup
#   build\selftest-report.txt          what EcoDesk.exe --self-test printed
#
# Code signing (packaging/README.md says what an unsigned build triggers): when a code-signing
# certificate is given in the environment, EcoDesk.exe, ecodesk-cli.exe, the setup and its
# uninstaller are signed with SignTool (Windows SDK), SHA-256 with an RFC 3161 timestamp:
#   ECODESK_SIGN_PFX        the .pfx file, base64-encoded (how a CI secret holds it), or
#   ECODESK_SIGN_PFX_FILE   the path of the .pfx file (a developer's PC)
#   ECODESK_SIGN_PASSWORD   the .pfx password
#   ECODESK_SIGN_TIMESTAMP  the timestamp server (default http://timestamp.digicert.com)
# The certificate is put in the current user's store for the build only (so no password appears on a
# command line or in Inno Setup's log) and removed at the end. Without it the build is unsigned and
# says so.
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

# -- code signing ------------------------------------------------------------------------------

function Find-SignTool {
    $onPath = Get-Command signtool.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    # The Windows SDK (on GitHub's Windows runners too): the newest x64 SignTool.
    $kits = Join-Path ${env:ProgramFiles(x86)} "Windows Kits\10\bin"
    $found = Get-ChildItem -Path $kits -Filter signtool.exe -Recurse -ErrorAction SilentlyContinue |
        Where-Object { $_.Directory.Name -eq "x64" } |
        Sort-Object { $_.Directory.Parent.Name } -Descending |
        Select-Object -First 1
    if ($found) { return $found.FullName }
    return $null
}

# The signing set-up, or $null (with the reason logged) when there is no certificate.
function Start-Signing {
    $pfxFile = $env:ECODESK_SIGN_PFX_FILE
    if (-not $pfxFile -and -not $env:ECODESK_SIGN_PFX) {
        Write-Host "== code signing: SKIPPED - no certificate (set ECODESK_SIGN_PFX or ECODESK_SIGN_PFX_FILE and ECODESK_SIGN_PASSWORD)."
        Write-Host "   The build is UNSIGNED: SmartScreen and antivirus will warn (see packaging/README.md, 'Code signing')."
        return $null
    }
    $signtool = Find-SignTool
    if (-not $signtool) { throw "a signing certificate is set but signtool.exe was not found: install the Windows SDK" }
    $temporary = $null
    if (-not $pfxFile) {
        $temporary = Join-Path ([System.IO.Path]::GetTempPath()) ("ecodesk-sign-" + [guid]::NewGuid() + ".pfx")
        [System.IO.File]::WriteAllBytes($temporary, [Convert]::FromBase64String($env:ECODESK_SIGN_PFX))
        $pfxFile = $temporary
    }
    try {
        $flags = [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]"UserKeySet,PersistKeySet"
        $cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($pfxFile, [string]$env:ECODESK_SIGN_PASSWORD, $flags)
    } finally {
        if ($temporary) { Remove-Item $temporary -Force -ErrorAction SilentlyContinue }
    }
    if (-not $cert.HasPrivateKey) { throw "the signing certificate has no private key" }
    $store = [System.Security.Cryptography.X509Certificates.X509Store]::new("My", "CurrentUser")
    $store.Open("ReadWrite")
    $store.Add($cert)
    $store.Close()
    $timestamp = if ($env:ECODESK_SIGN_TIMESTAMP) { $env:ECODESK_SIGN_TIMESTAMP } else { "http://timestamp.digicert.com" }
    Write-Host "== code signing: $($cert.Subject) (thumbprint $($cert.Thumbprint), valid to $($cert.NotAfter)) with $signtool"
    return [pscustomobject]@{ SignTool = $signtool; Certificate = $cert; Timestamp = $timestamp }
}

# SignTool's arguments without the files: the certificate by thumbprint from the user's store.
function Get-SignArguments {
    param($Signing)
    return @("sign", "/sha1", $Signing.Certificate.Thumbprint, "/s", "My", "/fd", "sha256",
        "/tr", $Signing.Timestamp, "/td", "sha256", "/d", "EcoDesk")
}

function Invoke-Sign {
    param($Signing, [string[]]$Files)
    $arguments = (Get-SignArguments $Signing) + $Files
    Invoke-Checked $Signing.SignTool @arguments
    foreach ($file in $Files) { Assert-Signed $Signing $file }
}

function Assert-Signed {
    param($Signing, [string]$File)
    $signature = Get-AuthenticodeSignature -FilePath $File
    if (-not $signature.SignerCertificate -or $signature.SignerCertificate.Thumbprint -ne $Signing.Certificate.Thumbprint) {
        throw "$File is not signed with the build certificate ($($signature.Status): $($signature.StatusMessage))"
    }
    Write-Host "signed: $File ($($signature.Status))"
}

function Stop-Signing {
    param($Signing)
    if (-not $Signing) { return }
    $store = [System.Security.Cryptography.X509Certificates.X509Store]::new("My", "CurrentUser")
    $store.Open("ReadWrite")
    $store.Remove($Signing.Certificate)
    $store.Close()
}

# -- the build ---------------------------------------------------------------------------------

Write-Host "== venv and dependencies"
if (-not (Test-Path ".venv-build\Scripts\python.exe")) { Invoke-Checked $Python -m venv .venv-build }
$py = (Resolve-Path ".venv-build\Scripts\python.exe").Path
Invoke-Checked $py -m pip install --quiet --upgrade pip
Invoke-Checked $py -m pip install --quiet -e ".[package]"
$version = (& $py -c "import sys; sys.path.insert(0, 'packaging'); import version_info; print(version_info.project_version())").Trim()
$fileVersion = (& $py -c "import sys; sys.path.insert(0, 'packaging'); import version_info as v; print('.'.join(map(str, v.version_tuple(v.project_version()))))").Trim()
if (-not $version -or -not $fileVersion) { throw "cannot read the version from pyproject.toml" }
Write-Host "EcoDesk $version (file version $fileVersion)"

$signing = Start-Signing
try {
    Write-Host "== PyInstaller (packaging\ecodesk.spec)"
    Invoke-Checked $py -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\ecodesk.spec
    $bundle = "dist\EcoDesk"
    $programs = @("EcoDesk.exe", "ecodesk-cli.exe") | ForEach-Object { Join-Path $bundle $_ }
    foreach ($exe in $programs) {
        if (-not (Test-Path $exe)) { throw "the build made no $exe" }
    }
    $sizeMb = [math]::Round(((Get-ChildItem $bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB), 0)
    Write-Host "bundle: $bundle, $sizeMb MB"

    # Signed before the self-test and the zip, so what is tested and shipped is the signed program.
    if ($signing) {
        Write-Host "== signing the programs"
        Invoke-Sign $signing $programs
    }

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
        $isccArguments = @("/DAppVersion=$version", "/DFileVersion=$fileVersion")
        if ($signing) {
            # installer.iss signs the setup and, while compiling, its uninstaller with this tool
            # (Inno Setup's SignTool= and SignedUninstaller=yes); $q and $f are Inno Setup's
            # placeholders for a quote and the file to sign, hence the single quotes.
            $signCommand = '$q' + $signing.SignTool + '$q ' + ((Get-SignArguments $signing) -join " ") + ' $f'
            $isccArguments += @("/DSign", "/Secosign=$signCommand")
        }
        Invoke-Checked $iscc @isccArguments "packaging\installer.iss"
        Get-ChildItem "dist\installer\*.exe" | ForEach-Object {
            if ($signing) { Assert-Signed $signing $_.FullName }
            Write-Host "installer: $($_.FullName)"
        }
    }

    # What an office's IT (or 360 / 火绒 / Microsoft, in a false-positive report) whitelists by.
    Write-Host "== SHA-256 of what is shipped"
    $shipped = @($programs) + @(Get-ChildItem "dist\*-portable.zip", "dist\installer\*.exe" -ErrorAction SilentlyContinue | ForEach-Object { $_.FullName })
    $sums = "dist\SHA256SUMS.txt"
    Get-FileHash -Algorithm SHA256 -Path $shipped |
        ForEach-Object { "{0}  {1}" -f $_.Hash.ToLowerInvariant(), (Split-Path $_.Path -Leaf) } |
        Set-Content -Path $sums -Encoding utf8
    Get-Content $sums | Write-Host
} finally {
    Stop-Signing $signing
}
if (-not $signing) { Write-Host "note: this build is UNSIGNED (no ECODESK_SIGN_PFX / ECODESK_SIGN_PFX_FILE)." }
Write-Host ("done in {0:N0} s" -f ((Get-Date) - $started).TotalSeconds)
