// The Function App on Flex Consumption: .NET 10 isolated worker, code package pulled from a blob
// container with the user-assigned identity, HTTPS only, TLS 1.2, no FTP and no basic publishing auth.
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
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
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
    }
  }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    // Key Vault references in app settings resolve with the user-assigned identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
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
