// Key Vault for the app's generated secrets: today only the key that signs paging tokens, which every Flex instance
// must share. RBAC authorization (no access policies), so the app's read access is a role assignment in rbac.bicep
// like every other grant in this template.

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags.')
param tags object = {}

@description('Key that signs the paging tokens (Paging:Secret). azd generates it once per environment (scripts/preprovision.sh).')
@secure()
@minLength(32)
param pagingSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // The shortest retention: a vault deleted without `azd down --purge` holds its name this long. Purge protection
    // stays off, since it can never be turned off again and would stop `azd down --purge` from freeing the name.
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // No VNet in this design, as for storage: the platform resolves the app's Key Vault references over the public
      // endpoint, which Flex has always supported (references to network-restricted vaults came only in late 2025).
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource pagingKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'paging-secret'
  properties: {
    value: pagingSecret
    contentType: 'text/plain'
  }
}

output name string = vault.name
output id string = vault.id
// Pinned to the current version: a rotation (new value + azd provision) changes the app setting, so all instances
// restart on the new key together rather than each picking it up from its own 24-hour reference cache.
output pagingKeyUri string = pagingKey.properties.secretUriWithVersion
