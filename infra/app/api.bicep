// The Function App, .NET 10 isolated worker, HTTPS only, TLS 1.2, no FTP and no basic publishing auth.
// On Flex Consumption (hostingPlan 'flex', the default) the code package is pulled from a blob container
// with the user-assigned identity; on Elastic Premium ('premium', for clouds and regions without Flex)
// azd zip-deploys it and the app runs from that package (no Azure Files content share: that would need a
// storage key, and the account has shared keys disabled).
// App settings are set by api-settings.bicep once the identity's roles and the Key Vault secret exist.
param name string
param location string = resourceGroup().location
param tags object = {}
@description('The azure.yaml service deployed to this app (azd finds the app by this tag).')
param serviceName string
param planId string
param storageAccountName string
param deploymentStorageContainerName string
param identityId string
@description('The bot\'s own identity: assigned to the app only so CloudAdapter can sign replies as the bot; it has no data roles.')
param botIdentityId string
@allowed([
  'flex'
  'premium'
])
param hostingPlan string = 'flex'
param vnetEnabled bool = false
@description('Subnet for outbound VNet integration (with vnetEnabled).')
param appSubnetId string = ''
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

// Flex Consumption's own configuration: runtime, scale and the identity-read package container.
var flexConfig = {
  deployment: {
    storage: {
      type: 'blobContainer'
      value: '${storage.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
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
  runtime: {
    name: 'dotnet-isolated'
    version: '10.0'
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
      '${botIdentityId}': {}
    }
  }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    // Key Vault references in app settings resolve with the user-assigned identity.
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: vnetEnabled ? appSubnetId : null
    // All outbound traffic through the VNet, so storage and Key Vault resolve to their private endpoints.
    vnetRouteAllEnabled: vnetEnabled ? true : null
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      linuxFxVersion: hostingPlan == 'premium' ? 'DOTNET-ISOLATED|10.0' : null
    }
    functionAppConfig: hostingPlan == 'flex' ? flexConfig : null
  }

  // azd deploys with Entra ID tokens; publishing with a user name and password stays off.
  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
