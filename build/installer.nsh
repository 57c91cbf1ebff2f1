; Atende: additions to electron-builder's NSIS installer (nsis.include in electron-builder.config.mjs).
; build/README.md ("Windows") is the guide for IT; this is the why.
;
; Two installers include this file (build/electron-builder.config.mjs, issue 17 point 6):
; the per-machine one (INSTALL_MODE_PER_ALL_USERS defined, runs elevated) and the per-user one
; (Atende-Setup-User-*.exe, no administrator rights, into the user's profile).
;
; Per-machine, every install or upgrade:
;   C:\ProgramData\Atende, the folder of IT's machine-wide config.json, is created if missing and
;   made writable by administrators only (SYSTEM and Administrators: full control, Users: read),
;   owner included. Windows' default for a new folder in ProgramData lets any user create files
;   there: a user could then write config.json and undo what IT locked.
;
; /DISABLEUPDATES (e.g. `Atende-Setup-1.2.3.exe /S /DISABLEUPDATES`):
;   sets "autoUpdate": false in C:\ProgramData\Atende\config.json and adds "autoUpdate" to its
;   "lockedKeys", so no user can turn updates back on. An absent file is written here with just
;   those two keys; an existing one is merged by machine-config.ps1, which keeps every other key.
;   The switch is sticky: later installs without it (and uninstalls) never touch the file, so IT
;   turns updates back on by editing it. If the existing file cannot be updated the app is still
;   installed, the reason goes to the install log and the installer exits with code 3.
;   The folder is the fixed C:\ProgramData\Atende the app reads (electron/src/main/policy/sources.ts),
;   never one found through the ProgramData environment variable, which the user starting the
;   installer can set.
;
; Per-user: the machine folder is left alone (a standard user cannot lock it, and creating it
; would make that user its owner). /DISABLEUPDATES writes { "autoUpdate": false } to the user's
; own config file (%APPDATA%\Atende\config.json, the app's user data) when it does not exist yet;
; an existing file is left as it is, named in the install log, and the installer exits with code 3.
; The user can turn updates back on: to lock them, IT sets the Group Policy (build/README.md).

!include LogicLib.nsh
!include FileFunc.nsh

!macro atendeIcacls ARGS
  nsExec::ExecToLog `"$SYSDIR\icacls.exe" ${ARGS}`
  Pop $R2
!macroend

; Well-known SIDs, so it works on a Windows in any language: S-1-5-18 SYSTEM,
; S-1-5-32-544 Administrators, S-1-5-32-545 Users.
!macro atendeLockConfigFolder DIR
  !insertmacro atendeIcacls `"${DIR}" /setowner *S-1-5-32-544 /T /C /Q`
  !insertmacro atendeIcacls `"${DIR}" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX /C /Q`
  ; Files already inside take the folder's rights (fails harmlessly when it is empty).
  !insertmacro atendeIcacls `"${DIR}\*" /reset /T /C /Q`
!macroend

!macro atendeDisableUpdates FILE
  ${If} ${FileExists} "${FILE}"
    InitPluginsDir
    File "/oname=$PLUGINSDIR\atende-machine-config.ps1" "${BUILD_RESOURCES_DIR}\machine-config.ps1"
    nsExec::ExecToLog `"$SYSDIR\WindowsPowerShell\v1.0\powershell.exe" -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "$PLUGINSDIR\atende-machine-config.ps1" -Path "${FILE}"`
    Pop $R2
    ${If} $R2 != 0
      DetailPrint "Atende: could not update ${FILE} ($R2): updates are NOT disabled"
      SetErrorLevel 3
    ${EndIf}
  ${Else}
    ClearErrors
    FileOpen $R2 "${FILE}" w
    ${If} ${Errors}
      DetailPrint "Atende: could not write ${FILE}: updates are NOT disabled"
      SetErrorLevel 3
    ${Else}
      ; ASCII only, so no byte-order mark: the file is plain UTF-8 JSON.
      FileWrite $R2 `{ "autoUpdate": false, "lockedKeys": ["autoUpdate"] }$\r$\n`
      FileClose $R2
      DetailPrint "Atende: updates disabled and locked in ${FILE}"
    ${EndIf}
  ${EndIf}
!macroend

!macro atendeDisableUpdatesForUser FILE
  ${If} ${FileExists} "${FILE}"
    DetailPrint "Atende: ${FILE} already exists and was left as it is: updates are NOT disabled"
    SetErrorLevel 3
  ${Else}
    ClearErrors
    CreateDirectory "$APPDATA\Atende"
    FileOpen $R2 "${FILE}" w
    ${If} ${Errors}
      DetailPrint "Atende: could not write ${FILE}: updates are NOT disabled"
      SetErrorLevel 3
    ${Else}
      FileWrite $R2 `{ "autoUpdate": false }$\r$\n`
      FileClose $R2
      DetailPrint "Atende: updates disabled for this user in ${FILE}"
    ${EndIf}
  ${EndIf}
!macroend

!macro customInstall
  Push $R0
  Push $R1
  Push $R2
  ${GetParameters} $R1
  ClearErrors
  ${GetOptions} $R1 "/DISABLEUPDATES" $R2
!ifdef INSTALL_MODE_PER_ALL_USERS
  ${If} ${Errors}
    StrCpy $R1 ""
  ${Else}
    StrCpy $R1 "disable"
  ${EndIf}
  StrCpy $R0 "C:\ProgramData\Atende"
  CreateDirectory "$R0"
  !insertmacro atendeLockConfigFolder "$R0"
  ${If} $R1 == "disable"
    !insertmacro atendeDisableUpdates "$R0\config.json"
  ${EndIf}
!else
  ${IfNot} ${Errors}
    SetShellVarContext current
    !insertmacro atendeDisableUpdatesForUser "$APPDATA\Atende\config.json"
  ${EndIf}
!endif
  Pop $R2
  Pop $R1
  Pop $R0
!macroend
