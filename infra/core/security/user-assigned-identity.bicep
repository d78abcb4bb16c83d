// A user-assigned managed identity: survives app re-creation and can be named in app settings
// (AzureWebJobsStorage__clientId) and in the bot registration (msaAppId) before the app exists.
param name string
param location string = resourceGroup().location
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
