; Inno Setup script for the Windows installer of Station (社工站).
; Build on Windows after `pyinstaller packaging\station.spec` (see packaging/README.md):
;   iscc packaging\station.iss        -> build\installer\Station-Setup-<version>.exe
; The program goes under Program Files; the station's data stays in %LOCALAPPDATA%\Station and is
; never touched by installing, upgrading or uninstalling.

#define AppName "社工站 Station"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F1B0E52-3C7A-4E0B-9B1D-5A7C2E8F4D10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Station
DefaultDirName={autopf}\Station
DefaultGroupName=社工站
OutputDir=..\build\installer
OutputBaseFilename=Station-Setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\Station.exe

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "其他："

[Files]
Source: "..\build\dist\Station\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\社工站"; Filename: "{app}\Station.exe"
Name: "{autodesktop}\社工站"; Filename: "{app}\Station.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Station.exe"; Description: "现在启动社工站"; Flags: nowait postinstall skipifsilent
