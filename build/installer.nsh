; Atende: additions to electron-builder's NSIS installer (nsis.include in electron-builder.config.mjs).
; build/README.md ("Windows") is the guide for IT; this is the why.
;
; Every install or upgrade (the installer is per-machine and runs elevated):
;   %ProgramData%\Atende, the folder of IT's machine-wide config.json, is created if missing and
;   made writable by administrators only (SYSTEM and Administrators: full control, Users: read),
;   owner included. Windows' default for a new folder in ProgramData lets any user create files
;   there: a user could then write config.json and undo what IT locked.
;
; /DISABLEUPDATES (e.g. `Atende-Setup-1.2.3.exe /S /DISABLEUPDATES`):
;   sets "autoUpdate": false in %ProgramData%\Atende\config.json and adds "autoUpdate" to its
;   "lockedKeys", so no user can turn updates back on. An absent file is written here with just
;   those two keys; an existing one is merged by machine-config.ps1, which keeps every other key.
;   The switch is sticky: later installs without it (and uninstalls) never touch the file, so IT
;   turns updates back on by editing it. If the existing file cannot be updated the app is still
;   installed, the reason goes to the install log and the installer exits with code 3.

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

!macro customInstall
  Push $R0
  Push $R1
  Push $R2
  ReadEnvStr $R0 "ProgramData"
  ${If} $R0 == ""
    DetailPrint "Atende: %ProgramData% is not set; machine configuration left alone"
  ${Else}
    StrCpy $R0 "$R0\Atende"
    CreateDirectory "$R0"
    !insertmacro atendeLockConfigFolder "$R0"
    ${GetParameters} $R1
    ClearErrors
    ${GetOptions} $R1 "/DISABLEUPDATES" $R2
    ${IfNot} ${Errors}
      !insertmacro atendeDisableUpdates "$R0\config.json"
    ${EndIf}
  ${EndIf}
  Pop $R2
  Pop $R1
  Pop $R0
!macroend
