#!/usr/bin/env bash
# Debian packages some tests need (a Python peer for the polyglot RabbitMQ test, run with Debian's /usr/bin/python3;
# the Ruby Jaeger client and Python aiozipkin as real propagation peers). Installed only when
# missing, and only where we are root (CI and the dev machines here are).
set -euo pipefail
missing=()
/usr/bin/python3 -c 'import pika' 2>/dev/null || missing+=(python3-pika)
/usr/bin/python3 -c 'import aiozipkin' 2>/dev/null || missing+=(python3-aiozipkin)
{ command -v ruby >/dev/null && ruby -e 'require "jaeger/client"' 2>/dev/null; } || missing+=(ruby-jaeger-client)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  echo "ci-system-deps: installing ${missing[*]}" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
