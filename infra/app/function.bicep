// Flex Consumption plan + function app running the .NET isolated worker (runtime dotnet-isolated 10.0).
// Flex takes the worker from functionAppConfig.runtime, so the deprecated FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE and content-share settings must NOT be set.

@description('Flex Consumption plan name.')
param planName string

@description('Function app name (also the <name>.azurewebsites.net host name).')
param functionAppName string

@description('Azure region.')
param location string

@description('Tags for the plan.')
param tags object = {}

@description('Tags for the site; must include azd-service-name so azd deploy finds it.')
param siteTags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (AzureWebJobsStorage__clientId, AZURE_CLIENT_ID and the App Insights auth string).')
param identityClientId string

@description('Blob endpoint of the storage account, ending with a slash.')
param storageBlobEndpoint string

@description('Queue endpoint of the storage account, ending with a slash.')
param storageQueueEndpoint string

@description('Table endpoint of the storage account, ending with a slash.')
param storageTableEndpoint string

@description('Blob container that holds the deployment package (Flex one-deploy target).')
param deploymentContainerName string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Memory per instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Upper bound of instances per function group.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Settings the application itself reads (merged over baseSettings).')
param appSettings object = {}

@description('Settings whose value stays in Key Vault: setting name -> secret URI. The platform resolves each one as the app identity, which needs Key Vault Secrets User on the vault.')
param keyVaultSettings object = {}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Linux plan.
    reserved: true
  }
}

// Identity, storage and telemetry settings that the host and the worker share; main.bicep adds the app's storage names.
var baseSettings = {
  // Host storage over Entra ID (no account key exists: allowSharedKeyAccess is false).
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Telemetry with Entra ID, since App Insights has local auth disabled. The host (host.json telemetryMode
  // OpenTelemetry) reads both settings; the worker's Azure Monitor exporter reads the connection string and signs in
  // as AZURE_CLIENT_ID.
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Azure.Identity in the worker picks the user-assigned identity from this variable.
  AZURE_CLIENT_ID: identityClientId
}

// Key Vault references: the site holds only the reference, and the platform hands the app the secret's value.
var keyVaultReferences = toObject(items(keyVaultSettings), s => s.key, s => '@Microsoft.KeyVault(SecretUri=${s.value})')

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: siteTags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // The site has no system-assigned identity, so Key Vault references are told which identity resolves them. Flex
    // Consumption supports Key Vault references, resolved with the user-assigned identity named here (App Service
    // docs, "Use Key Vault references as app settings"). Its docs ("Considerations") excluded only vaults behind
    // network restrictions, a limit lifted in October 2025; keyvault.bicep keeps the vault on its public endpoint.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // Fixed here, not a parameter: the package targets net10.0. Switching an existing app's runtime in place (for
      // example from 'custom') is reported to break start-up (exit code 150, Azure/azure-functions-dotnet-worker#3351),
      // so such an app is deleted and created anew (README.md, "Replacing an app that ran another runtime").
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(baseSettings, appSettings, keyVaultReferences)
  }
}

// Publishing credentials (basic auth) stay off: azd and az deploy with Entra tokens.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output id string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
