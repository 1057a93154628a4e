; EcoDesk 的简体中文安装界面（Inno Setup 6）。
;
; Inno Setup 只从 6.5 起自带简体中文，所以本项目自带这份译文：installer.iss 先读 Default.isl
; 再读本文件，这里译出的消息覆盖英文，没有译出的（安装 EcoDesk 时看不到的）仍是英文，
; 不会因 Inno Setup 版本不同而编译失败。文件须以带 BOM 的 UTF-8 保存。

[LangOptions]
LanguageName=简体中文
LanguageID=$0804
LanguageCodePage=936
DialogFontName=Microsoft YaHei UI
DialogFontSize=9
WelcomeFontName=Microsoft YaHei UI
WelcomeFontSize=14

[Messages]
; 标题
SetupAppTitle=安装
SetupWindowTitle=安装 - %1
UninstallAppTitle=卸载
UninstallAppFullTitle=卸载 %1
InformationTitle=提示
ConfirmTitle=确认
ErrorTitle=错误

; 启动时
SetupLdrStartupMessage=将要安装 %1。是否继续？
LdrCannotCreateTemp=无法创建临时文件，安装已中止
LdrCannotExecTemp=无法运行临时文件夹中的文件，安装已中止
LastErrorMessage=%1。%n%n错误 %2：%3
SetupFileMissing=安装文件夹中缺少文件 %1。请重新复制完整的安装程序。
SetupFileCorrupt=安装程序文件已损坏。请重新复制安装程序。
SetupFileCorruptOrWrongVer=安装程序文件已损坏，或与本安装程序版本不符。请重新复制安装程序。
InvalidParameter=命令行参数无效：%n%n%1
SetupAlreadyRunning=安装程序已经在运行。
WindowsVersionNotSupported=本程序不支持这台电脑的 Windows 版本。
NotOnThisPlatform=本程序不能在 %1 上运行。
OnlyOnThisPlatform=本程序只能在 %1 上运行。
OnlyOnTheseArchitectures=本程序只能安装在以下处理器架构的 Windows 上：%n%n%1
WinVersionTooLowError=本程序需要 %1 %2 或更高版本（64 位 Windows 10 1809 或 Windows 11）。
WinVersionTooHighError=本程序不能安装在 %1 %2 或更高版本上。
AdminPrivilegesRequired=安装本程序需要以管理员身份登录。
PowerUserPrivilegesRequired=安装本程序需要以管理员或 Power Users 组成员身份登录。
SetupAppRunningError=%1 正在运行。%n%n请先关闭它，然后点“确定”继续，或点“取消”退出安装。
UninstallAppRunningError=%1 正在运行。%n%n请先关闭它，然后点“确定”继续，或点“取消”退出卸载。
ErrorCreatingDir=无法创建文件夹“%1”
ErrorTooManyFilesInDir=文件夹“%1”中文件太多，无法在其中创建文件

; 通用
ExitSetupTitle=退出安装
ExitSetupMessage=安装尚未完成。现在退出，程序将不会被安装。%n%n以后可以再次运行安装程序完成安装。%n%n确定退出吗？
AboutSetupMenuItem=关于安装程序(&A)...
AboutSetupTitle=关于安装程序
AboutSetupMessage=%1 版本 %2%n%3%n%n%1 主页：%n%4
ButtonBack=< 上一步(&B)
ButtonNext=下一步(&N) >
ButtonInstall=安装(&I)
ButtonOK=确定
ButtonCancel=取消
ButtonYes=是(&Y)
ButtonYesToAll=全部是(&A)
ButtonNo=否(&N)
ButtonNoToAll=全部否(&O)
ButtonFinish=完成(&F)
ButtonBrowse=浏览(&B)...
ButtonWizardBrowse=浏览(&R)...
ButtonNewFolder=新建文件夹(&M)
SelectLanguageTitle=选择安装语言
SelectLanguageLabel=请选择安装过程中使用的语言。
ClickNext=点“下一步”继续，或点“取消”退出安装。
BrowseDialogTitle=选择文件夹
BrowseDialogLabel=在下面的列表中选择一个文件夹，然后点“确定”。
NewFolderName=新建文件夹

; 欢迎
WelcomeLabel1=欢迎安装 [name]
WelcomeLabel2=将在这台电脑上安装 [name/ver]。%n%n安装不需要管理员权限，也不需要联网。建议先关闭其他程序再继续。

; 选择安装位置
WizardSelectDir=选择安装位置
SelectDirDesc=要把 [name] 安装到哪里？
SelectDirLabel3=安装程序将把 [name] 安装到下面的文件夹。
SelectDirBrowseLabel=点“下一步”继续。要换一个文件夹，请点“浏览”。
DiskSpaceGBLabel=至少需要 [gb] GB 可用磁盘空间。
DiskSpaceMBLabel=至少需要 [mb] MB 可用磁盘空间。
CannotInstallToNetworkDrive=不能安装到网络驱动器。
CannotInstallToUNCPath=不能安装到网络路径（UNC 路径）。
InvalidPath=请输入带盘符的完整路径，例如：%n%nC:\APP%n%n或网络路径，例如：%n%n\\server\share
InvalidDrive=所选的驱动器或网络共享不存在或无法访问，请另选位置。
DiskSpaceWarningTitle=磁盘空间不足
DiskSpaceWarning=安装至少需要 %1 KB 可用空间，但所选驱动器只有 %2 KB 可用。%n%n仍要继续吗？
DirNameTooLong=文件夹名称或路径太长。
InvalidDirName=文件夹名称无效。
BadDirName32=文件夹名称不能包含以下字符：%n%n%1
DirExistsTitle=文件夹已存在
DirExists=文件夹：%n%n%1%n%n已经存在。仍要安装到这个文件夹吗？
DirDoesntExistTitle=文件夹不存在
DirDoesntExist=文件夹：%n%n%1%n%n不存在。要创建它吗？

; 附加任务
WizardSelectTasks=选择附加任务
SelectTasksDesc=还需要安装程序做哪些事？
SelectTasksLabel2=请选择安装 [name] 时要执行的附加任务，然后点“下一步”。

; 准备安装
WizardReady=准备安装
ReadyLabel1=已准备好把 [name] 安装到这台电脑。
ReadyLabel2a=点“安装”开始安装。要查看或修改设置，请点“上一步”。
ReadyLabel2b=点“安装”开始安装。
ReadyMemoDir=安装位置：
ReadyMemoGroup=开始菜单文件夹：
ReadyMemoTasks=附加任务：
WizardPreparing=正在准备安装
PreparingDesc=正在准备把 [name] 安装到这台电脑。
PreviousInstallNotCompleted=上一次安装或卸载还没有完成，需要先重新启动电脑。%n%n重启后请再次运行安装程序，完成 [name] 的安装。
CannotContinue=安装无法继续。请点“取消”退出。
ApplicationsFound=以下程序正在使用需要更新的文件。建议让安装程序自动关闭这些程序。
ApplicationsFound2=以下程序正在使用需要更新的文件。建议让安装程序自动关闭这些程序，安装完成后会尝试重新启动它们。
CloseApplications=自动关闭这些程序(&A)
DontCloseApplications=不关闭(&D)
ErrorCloseApplications=安装程序无法自动关闭所有程序。请先关闭正在使用这些文件的程序，再继续安装。
PrepareToInstallNeedsRestart=需要先重新启动电脑。重启后请再次运行安装程序，完成 [name] 的安装。%n%n现在重启吗？

; 安装中与完成
WizardInstalling=正在安装
InstallingLabel=正在把 [name] 安装到这台电脑，请稍候。
FinishedHeadingLabel=[name] 安装完成
FinishedLabelNoIcons=[name] 已安装到这台电脑。
FinishedLabel=[name] 已安装到这台电脑。可以从“开始”菜单或桌面上的快捷方式启动它。
ClickFinish=点“完成”退出安装。
FinishedRestartLabel=要完成 [name] 的安装，需要重新启动电脑。现在重启吗？
FinishedRestartMessage=要完成 [name] 的安装，需要重新启动电脑。%n%n现在重启吗？
YesRadio=是，现在重启(&Y)
NoRadio=否，稍后再重启(&N)
RunEntryExec=运行 %1
RunEntryShellExec=查看 %1
SetupAborted=安装没有完成。%n%n请解决问题后重新运行安装程序。
AbortRetryIgnoreSelectAction=请选择操作
AbortRetryIgnoreRetry=重试(&T)
AbortRetryIgnoreIgnore=忽略错误并继续(&I)
AbortRetryIgnoreCancel=取消安装
RetryCancelSelectAction=请选择操作
RetryCancelRetry=重试(&T)
RetryCancelCancel=取消
StatusClosingApplications=正在关闭程序...
StatusCreateDirs=正在创建文件夹...
StatusExtractFiles=正在复制文件...
StatusCreateIcons=正在创建快捷方式...
StatusCreateIniEntries=正在写入配置...
StatusCreateRegistryEntries=正在写入注册表...
StatusRegisterFiles=正在注册文件...
StatusSavingUninstall=正在保存卸载信息...
StatusRunProgram=正在完成安装...
StatusRestartingApplications=正在重新启动程序...
StatusRollback=正在撤销已做的更改...
ErrorInternal2=内部错误：%1
ErrorFunctionFailedNoCode=%1 失败
ErrorFunctionFailed=%1 失败，错误代码 %2
ErrorFunctionFailedWithMessage=%1 失败，错误代码 %2。%n%3
ErrorExecutingProgram=无法运行文件：%n%1
FileAbortRetryIgnoreSkipNotRecommended=跳过这个文件(&S)（不建议）
FileAbortRetryIgnoreIgnoreNotRecommended=忽略错误并继续(&I)（不建议）
SourceIsCorrupted=源文件已损坏
SourceDoesntExist=源文件“%1”不存在
ExistingFileReadOnly2=已有的文件是只读的，无法替换。
ExistingFileReadOnlyRetry=去掉只读属性后重试(&R)
ExistingFileReadOnlyKeepExisting=保留已有的文件(&K)
ErrorReadingExistingDest=读取已有文件时出错：
ErrorChangingAttr=更改已有文件的属性时出错：
ErrorCreatingTemp=在安装文件夹中创建文件时出错：
ErrorReadingSource=读取源文件时出错：
ErrorCopying=复制文件时出错：
ErrorReplacingExistingFile=替换已有文件时出错：
ErrorRestartReplace=重启后替换文件失败：
ErrorRenamingTemp=重命名安装文件夹中的文件时出错：
UninstallDisplayNameMark=%1（%2）
UninstallDisplayNameMarks=%1（%2，%3）
UninstallDisplayNameMark32Bit=32 位
UninstallDisplayNameMark64Bit=64 位
UninstallDisplayNameMarkAllUsers=所有用户
UninstallDisplayNameMarkCurrentUser=当前用户
ErrorRestartingComputer=安装程序无法重新启动电脑，请手动重启。

; 卸载
UninstallNotFound=文件“%1”不存在，无法卸载。
UninstallOpenError=无法打开文件“%1”，无法卸载
UninstallUnsupportedVer=卸载日志“%1”的格式不被这个版本的卸载程序识别，无法卸载
UninstallUnknownEntry=卸载日志中有无法识别的条目（%1）
ConfirmUninstall=确定要卸载 %1 吗？%n%n只删除程序文件；您的数据文件（%%LOCALAPPDATA%%\EcoDesk 中的台账数据和备份）不会被删除。
UninstallOnlyOnWin64=只能在 64 位 Windows 上卸载本程序。
OnlyAdminCanUninstall=只有管理员才能卸载本程序。
UninstallStatusLabel=正在从这台电脑上删除 %1，请稍候。
UninstalledAll=%1 已从这台电脑上删除。数据文件仍保留在原处。
UninstalledMost=%1 已卸载。%n%n有些文件未能删除，可以手动删除。
UninstalledAndNeedsRestart=要完成 %1 的卸载，需要重新启动电脑。%n%n现在重启吗？
UninstallDataCorrupted=文件“%1”已损坏，无法卸载
ConfirmDeleteSharedFileTitle=删除共享文件？
ConfirmDeleteSharedFile2=系统显示以下共享文件已不再被任何程序使用。要删除它吗？%n%n如果仍有程序在使用它，删除后这些程序可能无法正常工作。不确定时请选“否”，保留它不会有任何影响。
SharedFileNameLabel=文件名：
SharedFileLocationLabel=位置：
WizardUninstalling=卸载状态
StatusUninstalling=正在卸载 %1...
ShutdownBlockReasonInstallingApp=正在安装 %1。
ShutdownBlockReasonUninstallingApp=正在卸载 %1。

[CustomMessages]
NameAndVersion=%1 版本 %2
AdditionalIcons=快捷方式：
CreateDesktopIcon=在桌面上创建快捷方式(&D)
UninstallProgram=卸载 %1
LaunchProgram=现在启动 %1
