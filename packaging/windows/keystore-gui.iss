; Inno Setup script: a Windows installer for the app PyInstaller built in dist\keystore-gui
; (run packaging\build.sh or `pyinstaller packaging\keystore-gui.spec` on Windows first).
;
;   iscc /DAppVersion=0.1.0 packaging\windows\keystore-gui.iss
;
; Registers Keystore GUI for .jks .jceks .keystore .truststore (as their default program, since
; Windows has none) and offers it for .p12 .pfx (under "Open with", leaving Windows' certificate
; import wizard the default). Installs per user or for all users, the user chooses.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Keystore GUI"
#define AppExe "keystore-gui.exe"
#define KeystoreProgId "KeystoreGUI.Keystore"
#define Pkcs12ProgId "KeystoreGUI.PKCS12"

[Setup]
AppId={{5E00FA76-5495-45E9-9CF0-95EE93C67BF5}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Keystore GUI
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=keystore-gui-{#AppVersion}-setup
SetupIconFile=resources\app\keystore-gui.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "dist\keystore-gui\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Registry]
; The program IDs: how a keystore looks in Explorer and what opening it runs.
Root: HKA; Subkey: "Software\Classes\{#KeystoreProgId}"; ValueType: string; ValueName: ""; ValueData: "Java keystore"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#KeystoreProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#KeystoreProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\{#Pkcs12ProgId}"; ValueType: string; ValueName: ""; ValueData: "PKCS #12 keystore"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#Pkcs12ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#Pkcs12ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

; Java keystores: Keystore GUI becomes the default program.
Root: HKA; Subkey: "Software\Classes\.jks"; ValueType: string; ValueName: ""; ValueData: "{#KeystoreProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.jks\OpenWithProgids"; ValueType: string; ValueName: "{#KeystoreProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.jceks"; ValueType: string; ValueName: ""; ValueData: "{#KeystoreProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.jceks\OpenWithProgids"; ValueType: string; ValueName: "{#KeystoreProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.keystore"; ValueType: string; ValueName: ""; ValueData: "{#KeystoreProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.keystore\OpenWithProgids"; ValueType: string; ValueName: "{#KeystoreProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.truststore"; ValueType: string; ValueName: ""; ValueData: "{#KeystoreProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.truststore\OpenWithProgids"; ValueType: string; ValueName: "{#KeystoreProgId}"; ValueData: ""; Flags: uninsdeletevalue

; PKCS #12: offered under "Open with"; Windows keeps its own default.
Root: HKA; Subkey: "Software\Classes\.p12\OpenWithProgids"; ValueType: string; ValueName: "{#Pkcs12ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.pfx\OpenWithProgids"; ValueType: string; ValueName: "{#Pkcs12ProgId}"; ValueData: ""; Flags: uninsdeletevalue

; "Open with" lists the app by name for these types.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".jks"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".jceks"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".keystore"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".truststore"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".p12"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".pfx"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
