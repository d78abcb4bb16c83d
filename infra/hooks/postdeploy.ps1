# azd postdeploy hook (PowerShell 7): smoke-tests the deployed Function App, like postdeploy.sh.
#   1. GET  /api/health  until it answers 200 "healthy" (a fresh Flex Consumption app needs a moment)
#   2. GET  /api/events  answers 200 with JSON
#   3. POST /api/ask     {"question":"Who prepares the Zhongguancun Forum?"} answers 200 with answered: true
# The URL comes from the azd environment (FORUMCLOUD_BASE_URL or SERVICE_API_URI, outputs of infra/main.bicep).
$ErrorActionPreference = 'Stop'

$baseUrl = if ($env:FORUMCLOUD_BASE_URL) { $env:FORUMCLOUD_BASE_URL } else { $env:SERVICE_API_URI }
$timeout = if ($env:FORUMCLOUD_SMOKE_TIMEOUT) { [int]$env:FORUMCLOUD_SMOKE_TIMEOUT } else { 300 }
$interval = if ($env:FORUMCLOUD_SMOKE_INTERVAL) { [double]$env:FORUMCLOUD_SMOKE_INTERVAL } else { 10 }

if (-not $baseUrl) {
    Write-Error "smoke: neither FORUMCLOUD_BASE_URL nor SERVICE_API_URI is set (run 'azd provision' first)"
    exit 2
}
$baseUrl = $baseUrl.TrimEnd('/')

function Fail([string]$message, $response) {
    Write-Host "smoke: FAILED: $message"
    if ($response -and $response.Content) {
        $text = [string]$response.Content
        Write-Host ("smoke: answer was: " + $text.Substring(0, [Math]::Min(600, $text.Length)))
    }
    exit 1
}

function Send([string]$method, [string]$path, [string]$json) {
    $request = @{
        Method             = $method
        Uri                = "$baseUrl$path"
        Headers            = @{ Accept = 'application/json' }
        TimeoutSec         = 60
        SkipHttpErrorCheck = $true
    }
    if ($json) { $request.Body = $json; $request.ContentType = 'application/json' }
    try { Invoke-WebRequest @request } catch { $null }
}

Write-Host "smoke: testing $baseUrl"

$started = Get-Date
while ($true) {
    $response = Send 'GET' '/api/health'
    if ($response -and $response.StatusCode -eq 200 -and ([string]$response.Content).Contains('"healthy"')) {
        Write-Host 'smoke: GET /api/health -> 200 healthy'
        break
    }
    $status = if ($response) { $response.StatusCode } else { 'no answer' }
    if (((Get-Date) - $started).TotalSeconds -ge $timeout) { Fail "GET /api/health answered $status for ${timeout}s" $response }
    Write-Host "smoke: GET /api/health -> $status, retrying in ${interval}s"
    Start-Sleep -Seconds $interval
}

$response = Send 'GET' '/api/events'
if (-not $response -or $response.StatusCode -ne 200) { Fail "GET /api/events answered $($response.StatusCode)" $response }
try { $null = ([string]$response.Content | ConvertFrom-Json) } catch { Fail 'GET /api/events did not answer JSON' $response }
Write-Host 'smoke: GET /api/events -> 200'

$response = Send 'POST' '/api/ask' '{"question":"Who prepares the Zhongguancun Forum?"}'
if (-not $response -or $response.StatusCode -ne 200) { Fail "POST /api/ask answered $($response.StatusCode)" $response }
$answer = [string]$response.Content | ConvertFrom-Json
if ($answer.answered -ne $true) { Fail 'POST /api/ask did not answer the question' $response }
Write-Host 'smoke: POST /api/ask -> 200 answered'

Write-Host 'smoke: passed'
