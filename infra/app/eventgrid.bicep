// Event Grid system topic on the storage account. The BlobCreated subscription that feeds the IngestDump function
// is NOT declared here: its webhook URL carries the blobs_extension system key, which exists only after the code is
// deployed and the host has started. scripts/postdeploy.sh (azd postdeploy hook) creates it.

@description('System topic name.')
param name string

@description('Azure region (same as the storage account).')
param location string

@description('Tags.')
param tags object = {}

@description('Name of the storage account that raises the events.')
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name
