// MedInsure: Azure Functions app on the .NET isolated worker (dotnet-isolated 10.0) on Flex Consumption.
// Deployed by `azd up` (azure.yaml at the repo root). Plain resources and local modules only: registry modules
// (br/public:avm/...) would need network access at build time.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; seeds every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for all resources. It must offer Flex Consumption with runtime dotnet-isolated 10.0: check with `az functionapp list-flexconsumption-runtimes --location <region> --runtime dotnet-isolated`.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the user or pipeline that deploys; it gets blob/table data roles so it can upload dumps and read rows. azd fills it from AZURE_PRINCIPAL_ID; empty means the identity running the deployment.')
param principalId string = ''

@description('Kind of principal behind principalId.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

@description('Grant the deploying principal data roles on the storage account.')
param grantDeployerDataAccess bool = true

@description('Memory per Flex instance in MB (CPU scales with it). 2048 fits ML.NET inference comfortably.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances each function group (http, blob) may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Key that signs the paging tokens, the same on every instance. Generated once per azd environment by the preprovision hook (scripts/preprovision.sh) and kept in the environment as PAGING_SECRET; stored in Key Vault, never in an output.')
@secure()
@minLength(32)
param pagingSecret string

@description('Optional override: resource group name.')
param resourceGroupName string = ''

@description('Optional override: storage account name (3-24 lower-case letters and digits, globally unique).')
param storageAccountName string = ''

@description('Optional override: user-assigned identity name.')
param identityName string = ''

@description('Optional override: Log Analytics workspace name.')
param logAnalyticsName string = ''

@description('Optional override: Application Insights name.')
param applicationInsightsName string = ''

@description('Optional override: Flex Consumption plan name.')
param planName string = ''

@description('Optional override: function app name (globally unique host name).')
param functionAppName string = ''

@description('Optional override: Key Vault name (3-24 letters, digits and hyphens, globally unique).')
param keyVaultName string = ''

@description('Optional override: Event Grid system topic name.')
param eventGridSystemTopicName string = ''

@description('Optional override: blob container holding the deployment package.')
param deploymentContainerName string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var appName = !empty(functionAppName) ? functionAppName : '${abbrs.webSitesFunctions}${resourceToken}'
var packageContainer = !empty(deploymentContainerName)
  ? deploymentContainerName
  : 'app-package-${take(toLower(appName), 32)}-${take(toLower(uniqueString(appName, resourceToken)), 7)}'

// App containers and tables: key = setting suffix the app reads, value = resource name.
// To add a table, add one line here; storage creates it and the app gets Storage__<Key>Table.
var appContainers = {
  Dumps: 'dumps' // incoming Q&A dumps; BlobCreated here triggers IngestDump, whose path fixes the name (no setting)
  Quarantine: 'quarantine' // dumps that failed to parse, kept for inspection
  ArticleBodies: 'article-bodies' // article bodies too large for a table property
}
var appTables = {
  Articles: 'articles'
  Operations: 'operations' // background admin operations and their progress
  Sources: 'sources' // every sighting of every article (which dump named it)
  ArticleIndex: 'articleindex' // name prefix only: the index lives in the shard tables below
  Ingestions: 'ingestions'
  Stats: 'stats'
}
// The article index is spread over 32 tables by a hash of the index key (StorageOptions.ArticleIndexShards).
var indexShardTables = [for shard in range(0, 32): '${appTables.ArticleIndex}${padLeft(shard, 2, '0')}']

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: !empty(identityName) ? identityName : '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containerNames: concat(map(items(appContainers), c => c.value), [packageContainer])
    tableNames: concat(map(filter(items(appTables), t => t.key != 'ArticleIndex'), t => t.value), indexShardTables)
    // RunOperation's trigger (background admin operations); the name is fixed in code, like the dumps container.
    queueNames: ['operations']
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: !empty(applicationInsightsName)
      ? applicationInsightsName
      : '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: !empty(keyVaultName) ? keyVaultName : '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    pagingSecret: pagingSecret
  }
}

// Storage names the app reads, besides the identity, storage and telemetry settings that function.bicep sets.
// Documented in README.md, "Deploy to Azure".
var appSettings = union(
  reduce(filter(items(appContainers), c => c.key != 'Dumps'), {}, (acc, c) => union(acc, { 'Storage__${c.key}Container': c.value })),
  reduce(items(appTables), {}, (acc, t) => union(acc, { 'Storage__${t.key}Table': t.value }))
)

module function 'app/function.bicep' = {
  name: 'function'
  scope: rg
  params: {
    planName: !empty(planName) ? planName : '${abbrs.webServerFarms}${resourceToken}'
    functionAppName: appName
    location: location
    tags: tags
    siteTags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: packageContainer
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
    // Settings read from Key Vault. The app refuses to start outside local development without Paging:Secret.
    keyVaultSettings: {
      Paging__Secret: keyVault.outputs.pagingKeyUri
    }
  }
  // The app identity can read the vault before the site first resolves its Key Vault references.
  dependsOn: [
    rbac
  ]
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: grantDeployerDataAccess ? (!empty(principalId) ? principalId : deployer().objectId) : ''
    deployerPrincipalType: principalType
  }
}

module eventGrid 'app/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    name: !empty(eventGridSystemTopicName) ? eventGridSystemTopicName : '${abbrs.eventGridSystemTopics}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
  }
}

// Read by azd, by scripts/postdeploy.sh and by the README.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = function.outputs.name
output SERVICE_API_NAME string = function.outputs.name
output SERVICE_API_URI string = 'https://${function.outputs.defaultHostName}'
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output STORAGE_DUMPS_CONTAINER string = appContainers.Dumps
output EVENT_GRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
