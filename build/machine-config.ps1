<#
  Atende: machine policy helper for Windows (issue 17, R-DT-05). Writes Group Policy values under
  HKLM\Software\Policies\Atende — the place the app reads first and whose values users can never
  override — and, with -Path, merges into the machine file C:\ProgramData\Atende\config.json.

  The installer runs it for `/DISABLEUPDATES` when the machine file already exists, with -Path only:
  that means "turn updates off" — the policy value autoUpdate = 0 (REG_DWORD), and in the file
  "autoUpdate": false with "autoUpdate" added to "lockedKeys", every other key kept as it was.

  IT can also run it elevated (Windows PowerShell 5.1, -ExecutionPolicy Bypass) to set policies
  without a domain, e.g.
    machine-config.ps1 -ServerUrl https://atende.example.com -Language pt-BR -AutoUpdate off
    machine-config.ps1 -UpdateUrl https://atende.example.com/updates/ -LockedKeys language
  Values are checked as the app checks them (https, or http only to this machine; pt-BR/en/es;
  serverUrl/language/autoUpdate as lockable names); nothing is written when any is wrong.

  A machine file that is not a JSON object is one the app ignores anyway: it is kept beside as
  config.json.invalid-<timestamp> and replaced by one with only the two keys. Writes UTF-8 without
  a BOM. Exit code 0: done; 1: bad arguments, or the registry or the file could not be written (the
  message says why).
#>
param(
  [string]$Path,
  [switch]$DisableUpdates,
  [string]$ServerUrl,
  [ValidateSet('pt-BR', 'en', 'es')][string]$Language,
  [ValidateSet('on', 'off')][string]$AutoUpdate,
  [string]$UpdateUrl,
  [ValidateSet('serverUrl', 'language', 'autoUpdate')][string[]]$LockedKeys
)

$ErrorActionPreference = 'Stop'
# Without this, PowerShell 5.1 writes arrays as {"value":[...],"Count":n}.
Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue

$policyGiven = $ServerUrl -or $Language -or $AutoUpdate -or $UpdateUrl -or $LockedKeys
# The installer's call: -Path alone means /DISABLEUPDATES.
if ($Path -and -not $policyGiven) { $DisableUpdates = $true }
if ($DisableUpdates) {
  if ($AutoUpdate -eq 'on') { Write-Output 'Atende: -DisableUpdates and -AutoUpdate on contradict each other'; exit 1 }
  $AutoUpdate = 'off'
}
if (-not $Path -and -not $AutoUpdate -and -not $policyGiven) {
  Write-Output 'Atende: nothing to do: give -ServerUrl, -Language, -AutoUpdate, -UpdateUrl, -LockedKeys, -DisableUpdates or -Path'
  exit 1
}

# The app's rule (electron/src/main/urlPolicy.ts): https, or http to this machine only; no credentials.
function Test-AtendeUrl([string]$Name, [string]$Value) {
  $uri = $null
  if (-not [Uri]::TryCreate($Value, [UriKind]::Absolute, [ref]$uri)) { return "${Name}: '$Value' is not a URL" }
  if ($uri.UserInfo) { return "${Name}: '$Value' must not carry credentials" }
  if ($uri.Scheme -eq 'https') { return $null }
  if ($uri.Scheme -eq 'http' -and @('127.0.0.1', 'localhost', '[::1]') -contains $uri.Host) { return $null }
  return "${Name}: '$Value' must start with https:// (http:// only to this machine)"
}
foreach ($check in @(@('serverUrl', $ServerUrl), @('updateUrl', $UpdateUrl))) {
  if ($check[1]) {
    $problem = Test-AtendeUrl $check[0] $check[1]
    if ($problem) { Write-Output "Atende: $problem; nothing written"; exit 1 }
  }
}

# Group Policy values. The 64-bit view whatever this PowerShell's bitness (the installer may start
# the 32-bit one): it is where Group Policy writes and what the x64 app reads.
try {
  $hklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
  $key = $hklm.CreateSubKey('Software\Policies\Atende')
  if ($ServerUrl) { $key.SetValue('serverUrl', $ServerUrl, [Microsoft.Win32.RegistryValueKind]::String) }
  if ($Language) { $key.SetValue('language', $Language, [Microsoft.Win32.RegistryValueKind]::String) }
  if ($AutoUpdate) { $key.SetValue('autoUpdate', [int]($AutoUpdate -eq 'on'), [Microsoft.Win32.RegistryValueKind]::DWord) }
  if ($UpdateUrl) { $key.SetValue('updateUrl', $UpdateUrl, [Microsoft.Win32.RegistryValueKind]::String) }
  if ($LockedKeys) { $key.SetValue('lockedKeys', [string[]]$LockedKeys, [Microsoft.Win32.RegistryValueKind]::MultiString) }
  $key.Close()
} catch {
  Write-Output "Atende: cannot write HKLM\Software\Policies\Atende (run elevated): $($_.Exception.Message)"
  exit 1
}
Write-Output 'Atende: policy values written to HKLM\Software\Policies\Atende'
if (-not $Path) { exit 0 }
if ($AutoUpdate -ne 'off') { Write-Output "Atende: $Path is only changed to turn updates off; left as it was"; exit 0 }

# The machine file (kept for what IT already deployed; the policy above wins over it).
try {
  $text = [System.IO.File]::ReadAllText($Path)
} catch {
  Write-Output "Atende: cannot read ${Path}: $($_.Exception.Message)"
  exit 1
}

$config = $null
try { $config = $text | ConvertFrom-Json } catch { $config = $null }
if ($config -isnot [System.Management.Automation.PSCustomObject]) {
  $backup = "$Path.invalid-" + (Get-Date -Format 'yyyyMMddHHmmss')
  Copy-Item -LiteralPath $Path -Destination $backup -Force
  Write-Output "Atende: $Path was not a JSON object; kept as $backup"
  $config = New-Object -TypeName PSObject
}

$locked = @()
if ($config.PSObject.Properties['lockedKeys']) { $locked = @($config.lockedKeys | ForEach-Object { [string]$_ }) }
if ($locked -notcontains 'autoUpdate') { $locked += 'autoUpdate' }
$config | Add-Member -NotePropertyName 'autoUpdate' -NotePropertyValue $false -Force
$config | Add-Member -NotePropertyName 'lockedKeys' -NotePropertyValue ([string[]]$locked) -Force

$temp = "$Path.tmp"
try {
  $json = $config | ConvertTo-Json -Depth 10
  [System.IO.File]::WriteAllText($temp, $json, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false))
  Move-Item -LiteralPath $temp -Destination $Path -Force
} catch {
  Write-Output "Atende: cannot write ${Path}: $($_.Exception.Message)"
  exit 1
}
Write-Output "Atende: updates disabled and locked in $Path"
exit 0
