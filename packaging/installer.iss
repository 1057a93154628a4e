; EcoDesk Windows installer (Inno Setup 6.3 or later): per-user, no administrator rights.
;
;   iscc /DAppVersion=0.1.0 packaging\installer.iss     (build_windows.ps1 passes the version)
;
; Installs dist\EcoDesk (the PyInstaller one-folder build) to %LOCALAPPDATA%\Programs\EcoDesk.
; The clerk's data lives elsewhere — %LOCALAPPDATA%\EcoDesk (ecodesk/paths.py, platformdirs) —
; and the uninstaller removes only the files installed here, so it never touches the data.
; The portable option (便携安装) writes portable.txt beside EcoDesk.exe: the program then keeps its
; data in the data\ folder beside itself (for a USB stick), and no uninstaller is registered.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=x.y.z packaging\installer.iss
#endif
#ifndef DistDir
  #define DistDir "..\dist\EcoDesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist\installer"
#endif
#ifndef FileVersion
  ; Four numbers for the version resource (build_windows.ps1 derives them like version_info.py).
  #define FileVersion AppVersion
#endif
#define AppName "乡镇生态环境工作台账"
#define AppExe "EcoDesk.exe"

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{6F1C2A7E-3B5D-4C8E-9A41-E0C0DE5A7B19}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=EcoDesk
VersionInfoVersion={#FileVersion}
VersionInfoProductName={#AppName}（EcoDesk）
VersionInfoDescription={#AppName} 安装程序
; Per-user install without administrator rights: {userpf} is %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={userpf}\EcoDesk
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
; Qt 6 runs on 64-bit Windows 10 1809 (build 17763) or later only.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
SetupIconFile=ecodesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
; A portable install (USB stick) registers no uninstaller on this PC.
Uninstallable=not WizardIsTaskSelected('portable')
CloseApplications=yes
OutputDir={#OutputDir}
OutputBaseFilename=EcoDesk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
#ifdef Sign
; Code signing, when build_windows.ps1 has a certificate: it passes /DSign and the tool
; (/Secosign="signtool sign … $f"). Inno Setup then signs the setup and, while compiling, the
; uninstaller it embeds, so neither is flagged as an unknown program (packaging/README.md).
SignTool=ecosign
SignedUninstaller=yes
#endif

[Languages]
; Default.isl first: our Chinese file overrides its messages, anything it lacks stays English
; instead of failing the build (ChineseSimplified.isl is only official from Inno Setup 6.5).
Name: "chs"; MessagesFile: "compiler:Default.isl,ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "portable"; Description: "{cm:PortableTask}"; GroupDescription: "{cm:PortableGroup}"; Flags: unchecked

[InstallDelete]
; An upgrade first removes the previous version's program files: a migration or module renamed in
; the new version would otherwise stay beside its new name (two revision files for one version break
; every start). Only {app}\_internal: EcoDesk.exe is overwritten, and the portable data\ folder and
; portable.txt beside it are the clerk's and are kept.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "portable.txt"; DestDir: "{app}"; Tasks: portable; Flags: ignoreversion

[Dirs]
; The portable data folder: created here, never listed for removal (uninsneveruninstall).
Name: "{app}\data"; Tasks: portable; Flags: uninsneveruninstall

[Icons]
; A portable install leaves this PC's Start menu alone; the desktop shortcut stays the clerk's choice.
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: not portable
Name: "{autoprograms}\卸载{#AppName}"; Filename: "{uninstallexe}"; Tasks: not portable
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[CustomMessages]
chs.PortableGroup=安装方式：
chs.PortableTask=便携安装：数据保存在程序文件夹的 data 子文件夹中，不写入本机（适合 U 盘：请在上一步把安装位置选在 U 盘上）
chs.DataFolderIsProgramFolder=不能把程序安装到数据文件夹 %1 中。%n%n数据文件夹保存着您的全部台账数据，请选择其他安装位置（默认：%2）。

[Code]
// The data folder (%LOCALAPPDATA%\EcoDesk, see ecodesk/paths.py) must never be the program folder
// or lie inside it: the program folder is what the uninstaller and upgrades write to.
function DataDir: String;
begin
  Result := AddBackslash(ExpandConstant('{localappdata}')) + 'EcoDesk';
end;

function SameOrInside(Path, Folder: String): Boolean;
var
  P, F: String;
begin
  P := Lowercase(AddBackslash(Path));
  F := Lowercase(AddBackslash(Folder));
  Result := Copy(P, 1, Length(F)) = F;
end;

function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if CurPageID = wpSelectDir then
    if SameOrInside(WizardDirValue, DataDir) or SameOrInside(DataDir, WizardDirValue) then
    begin
      MsgBox(FmtMessage(CustomMessage('DataFolderIsProgramFolder'),
        [DataDir, ExpandConstant('{userpf}\EcoDesk')]), mbError, MB_OK);
      Result := False;
    end;
end;
