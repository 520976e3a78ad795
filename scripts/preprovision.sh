#!/bin/sh
# azd `preprovision` hook: makes sure the azd environment holds PAGING_SECRET, the key that signs paging tokens.
#
# Every Flex instance must sign and check `continuation` tokens with the same key, so the key is generated here once
# per azd environment and kept in it (.azure/<env>/.env, which azd keeps out of git). infra/main.parameters.json
# passes it to the @secure() parameter pagingSecret, and Bicep stores it in Key Vault. A value already in the
# environment is never replaced, so later `azd provision`/`azd up` runs keep it. To rotate: `azd env set
# PAGING_SECRET <new value>` and `azd provision` (README.md, "Paging secret").
#
# POSIX sh; needs only azd and od reading /dev/urandom. Never prints the value.
set -eu

name=PAGING_SECRET

# `azd env get-value` fails for a key the environment lacks; an "ERROR: ..." text is never taken for a value.
if current="$(azd env get-value "$name" 2>/dev/null)"; then
  case "$current" in
    "" | ERROR:*) ;;
    *)
      echo "preprovision: $name is already set in this azd environment; keeping it."
      exit 0
      ;;
  esac
fi

# 32 random bytes as 64 lower-case hex digits: no characters that need quoting in .env or JSON.
secret="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
case "$secret" in
  *[!0-9a-f]*) secret="" ;;
esac
if [ "${#secret}" -ne 64 ]; then
  echo "preprovision: could not read 32 random bytes from /dev/urandom; set $name yourself with 'azd env set'." >&2
  exit 1
fi

azd env set "$name" "$secret" >/dev/null
unset secret
echo "preprovision: generated $name (32 random bytes) and stored it in this azd environment."
