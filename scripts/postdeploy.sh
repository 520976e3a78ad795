#!/usr/bin/env bash
# azd `postdeploy` hook: subscribes the IngestDump blob trigger to BlobCreated events from the dumps container.
#
# Flex Consumption runs blob triggers only with source EventGrid. The Event Grid webhook must carry the host's
# `blobs_extension` system key, which exists only once the code is deployed and the host has started, so this step
# cannot live in Bicep. Idempotent: `event-subscription create` is a PUT, re-running updates the same subscription.
#
# Reads the azd environment (main.bicep outputs): AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME,
# EVENT_GRID_SYSTEM_TOPIC_NAME, optional AZURE_SUBSCRIPTION_ID and STORAGE_DUMPS_CONTAINER.
# Needs the Azure CLI signed in (`az login`) to the same tenant as azd.
set -euo pipefail

: "${AZURE_RESOURCE_GROUP:?run through azd, or export the main.bicep outputs}"
: "${AZURE_FUNCTION_APP_NAME:?run through azd, or export the main.bicep outputs}"
: "${EVENT_GRID_SYSTEM_TOPIC_NAME:?run through azd, or export the main.bicep outputs}"

function_name="IngestDump" # the blob trigger's name in functions.metadata (path dumps/{name}, source EventGrid)
container="${STORAGE_DUMPS_CONTAINER:-dumps}"
subscription_name="${EVENT_GRID_SUBSCRIPTION_NAME:-ingestdump-blobcreated}"
az_scope=()
if [[ -n "${AZURE_SUBSCRIPTION_ID:-}" ]]; then
  az_scope=(--subscription "$AZURE_SUBSCRIPTION_ID")
fi

if ! az account show "${az_scope[@]}" --output none 2>/dev/null; then
  echo "postdeploy: the Azure CLI is not signed in; run 'az login' and then 'azd hooks run postdeploy'." >&2
  exit 1
fi

# The blobs_extension key appears once the host has loaded the blob extension (from .azurefunctions/) after the
# deployment. Wake the app (any request starts an instance; /api/health is anonymous) and poll for a few minutes.
key=""
for attempt in $(seq 1 30); do
  key="$(az functionapp keys list "${az_scope[@]}" -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
    --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)"
  if [[ -n "$key" ]]; then
    break
  fi
  echo "postdeploy: waiting for the blobs_extension system key (attempt $attempt/30)..."
  if command -v curl >/dev/null; then
    curl --silent --output /dev/null --max-time 30 "https://$AZURE_FUNCTION_APP_NAME.azurewebsites.net/api/health" || true
  fi
  sleep 10
done
if [[ -z "$key" ]]; then
  echo "postdeploy: no blobs_extension key on $AZURE_FUNCTION_APP_NAME; check that the app started (Log stream) and re-run 'azd hooks run postdeploy'." >&2
  exit 1
fi

endpoint="https://$AZURE_FUNCTION_APP_NAME.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$key"

echo "postdeploy: subscribing $function_name to BlobCreated in container '$container' (topic $EVENT_GRID_SYSTEM_TOPIC_NAME)"
# The endpoint holds a key: never echo it, and keep az from printing the subscription (--output none).
az eventgrid system-topic event-subscription create "${az_scope[@]}" \
  --name "$subscription_name" \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$EVENT_GRID_SYSTEM_TOPIC_NAME" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$container/" \
  --output none

echo "postdeploy: Event Grid subscription '$subscription_name' is in place."
