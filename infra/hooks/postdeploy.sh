#!/bin/sh
# azd postdeploy hook (POSIX): smoke-tests the deployed Function App.
#   1. GET  /api/health  until it answers 200 "healthy" (a fresh Flex Consumption app needs a moment)
#   2. GET  /api/events  answers 200 with JSON
#   3. POST /api/ask     {"question":"Who prepares the Zhongguancun Forum?"} answers 200 with answered: true
# The URL comes from the azd environment (FORUMCLOUD_BASE_URL or SERVICE_API_URI, outputs of infra/main.bicep);
# run it by hand with FORUMCLOUD_BASE_URL=https://<app>.azurewebsites.net sh infra/hooks/postdeploy.sh
set -u

base_url=${FORUMCLOUD_BASE_URL:-${SERVICE_API_URI:-}}
timeout=${FORUMCLOUD_SMOKE_TIMEOUT:-300}
interval=${FORUMCLOUD_SMOKE_INTERVAL:-10}

if [ -z "$base_url" ]; then
  echo "smoke: neither FORUMCLOUD_BASE_URL nor SERVICE_API_URI is set (run 'azd provision' first)" >&2
  exit 2
fi
base_url=${base_url%/}
body=$(mktemp)
trap 'rm -f "$body"' EXIT

fail() {
  echo "smoke: FAILED: $1" >&2
  if [ -s "$body" ]; then
    echo "smoke: answer was: $(head -c 600 "$body")" >&2
  fi
  exit 1
}

# request METHOD PATH [JSON]: prints the HTTP status ("000" when nothing answered); the body goes to $body.
request() {
  if [ $# -ge 3 ]; then
    curl -sS -o "$body" -w '%{http_code}' --max-time 60 -X "$1" -H 'Content-Type: application/json' \
      -H 'Accept: application/json' --data "$3" "$base_url$2" 2>/dev/null || true
  else
    curl -sS -o "$body" -w '%{http_code}' --max-time 60 -X "$1" -H 'Accept: application/json' "$base_url$2" 2>/dev/null || true
  fi
}

echo "smoke: testing $base_url"

started=$(date +%s)
while :; do
  status=$(request GET /api/health)
  if [ "$status" = 200 ] && grep -q '"healthy"' "$body"; then
    echo "smoke: GET /api/health -> 200 healthy"
    break
  fi
  if [ $(( $(date +%s) - started )) -ge "$timeout" ]; then
    fail "GET /api/health answered ${status:-nothing} for ${timeout}s"
  fi
  echo "smoke: GET /api/health -> ${status:-no answer}, retrying in ${interval}s"
  sleep "$interval"
done

status=$(request GET /api/events)
[ "$status" = 200 ] || fail "GET /api/events answered $status"
case "$(head -c 1 "$body")" in
  '{' | '[') echo "smoke: GET /api/events -> 200" ;;
  *) fail "GET /api/events did not answer JSON" ;;
esac

status=$(request POST /api/ask '{"question":"Who prepares the Zhongguancun Forum?"}')
[ "$status" = 200 ] || fail "POST /api/ask answered $status"
grep -Eq '"answered"[[:space:]]*:[[:space:]]*true' "$body" || fail "POST /api/ask did not answer the question"
echo "smoke: POST /api/ask -> 200 answered"

echo "smoke: passed"
