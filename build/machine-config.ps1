<#
  Atende installer helper: run by installer.nsh for `/DISABLEUPDATES` when
  %ProgramData%\Atende\config.json already exists. Sets "autoUpdate": false and adds "autoUpdate"
  to "lockedKeys", keeping every other key as it was.

  A file that is not a JSON object is one the app ignores anyway: it is kept beside as
  config.json.invalid-<timestamp> and replaced by one with only these two keys.
  Windows PowerShell 5.1 (built into every supported Windows); writes UTF-8 without a BOM.
  Exit code 0: done; 1: the file could not be read or written (the message says why).
#>
param([Parameter(Mandatory = $true)][string]$Path)

$ErrorActionPreference = 'Stop'
# Without this, PowerShell 5.1 writes arrays as {"value":[...],"Count":n}.
Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue

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
