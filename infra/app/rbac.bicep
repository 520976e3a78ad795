// Role assignments. Every data role is scoped to the one storage account (not the resource group), the telemetry
// role to the one App Insights component and the secret-reading role to the one Key Vault. Names are
// guid(scope, principal, role) so re-deploys are no-ops.

@description('Name of the storage account the roles are scoped to.')
param storageAccountName string

@description('Name of the Application Insights component the telemetry role is scoped to.')
param applicationInsightsName string

@description('Name of the Key Vault the secret-reading role is scoped to.')
param keyVaultName string

@description('Principal id of the function app identity.')
param appPrincipalId string

@description('Principal id of the deploying user or pipeline; empty skips its roles.')
param deployerPrincipalId string = ''

@description('Type of deployerPrincipalId.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param deployerPrincipalType string = 'User'

// Storage Blob Data Owner: host storage (locks, keys, receipts), blob trigger, package container, app containers.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Storage Blob Data Contributor: the deployer uploads dumps.
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Storage Queue Data Contributor: the Event Grid blob trigger enqueues on the host's blob-trigger queue.
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// Storage Table Data Contributor: app tables, plus host diagnostic events.
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// Storage Account Contributor: required on the AzureWebJobsStorage identity by the Event Grid blob trigger.
var storageAccountContributor = '17d1049b-9a84-46fb-8f53-869881c3d3ab'
// Monitoring Metrics Publisher: send telemetry to App Insights with local auth disabled.
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
// Key Vault Secrets User: read secret values, which the platform does as the app identity to resolve the app's Key
// Vault references (Paging__Secret). Read only: the deployment writes the secrets through ARM, not as the app.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

var appStorageRoles = [
  storageBlobDataOwner
  storageQueueDataContributor
  storageTableDataContributor
  storageAccountContributor
]

var deployerStorageRoles = [
  storageBlobDataContributor
  storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in appStorageRoles: {
    name: guid(storage.id, appPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, appPrincipalId, keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in (empty(deployerPrincipalId) ? [] : deployerStorageRoles): {
    name: guid(storage.id, deployerPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: deployerPrincipalId
      principalType: deployerPrincipalType
    }
  }
]
