#!/bin/bash
# The editor status page at scale, opened as an editor would: kb serve --no-build on an existing build, an editor
# account, the status page loaded 4 times (curl: status, seconds, bytes), a preview; with BREAK=<relative .md path>
# that file is broken (invalid YAML) and the page shows its file:line, then it is restored. Writes only under $WORK.
#   DOCS=/tmp/kb-static/c20000/docs IX=/tmp/kb-static/ix20000 BREAK=payments/a000005.md flock /work/wt/bench.lock bench/editor_status.sh
set -u
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/kb-editor-status}; mkdir -p "$WORK"
DOCS=${DOCS:?articles folder}; IX=${IX:?index root with a build}; PORT=${PORT:-5077}
export KB_USERS_FILE=$WORK/users.json KB_DB=$WORK/a.sqlite3 KB_STATE_DB=$WORK/s.sqlite3 KB_SECRET_KEY=x
.venv/bin/kb user add ed --password pw12345678 --role editor >/dev/null
.venv/bin/kb serve --no-build --articles "$DOCS" --index "$IX" --port $PORT >$WORK/serve.log 2>&1 &
SERVER=$!
until curl -sf http://127.0.0.1:$PORT/healthz >/dev/null; do sleep 0.5; done
J=$WORK/cj; rm -f $J
TOKEN=$(curl -s -c $J -b $J http://127.0.0.1:$PORT/agent/login | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//; s/"//')
curl -s -c $J -b $J -o /dev/null -d "username=ed&password=pw12345678&csrf_token=$TOKEN" http://127.0.0.1:$PORT/agent/login
for i in 1 2 3 4; do
  curl -s -b $J -o $WORK/home$i.html -w "status page load $i: %{http_code} %{time_total} s %{size_download} bytes\n" http://127.0.0.1:$PORT/editor/
done
curl -s -b $J -o $WORK/preview.html -w "preview: %{http_code} %{time_total} s\n" "http://127.0.0.1:$PORT/editor/preview?path=${PREVIEW:-payments/$(ls $DOCS/payments | head -1)}"
if [ -n "${BREAK:-}" ]; then
  F=$DOCS/$BREAK; cp "$F" $WORK/saved.md
  sed -i 's/^title: /title:\n  - : [/' "$F"; sleep 2.5
  curl -s -b $J -o $WORK/broken.html -w "status page, broken file: %{http_code} %{time_total} s\n" http://127.0.0.1:$PORT/editor/
  sed 's/<[^>]*>//g' $WORK/broken.html | grep -o "$BREAK:[0-9]*:.*" | head -3
  cp $WORK/saved.md "$F"; touch -d '-10 seconds' "$F"; sleep 2.5
  curl -s -b $J -o /dev/null -w "status page, fixed: %{http_code} %{time_total} s\n" http://127.0.0.1:$PORT/editor/
  curl -s -b $J -o /dev/null -w "status page, again: %{http_code} %{time_total} s\n" http://127.0.0.1:$PORT/editor/
fi
kill $SERVER; wait $SERVER 2>/dev/null
