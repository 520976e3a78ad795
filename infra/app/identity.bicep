// User-assigned identity the function app runs as. User-assigned (not system-assigned) so the role assignments
// and the deployment-container auth exist before the site does, and survive a site re-create.

@description('Identity name.')
param name string

@description('Azure region.')
param location string

@description('Tags.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
