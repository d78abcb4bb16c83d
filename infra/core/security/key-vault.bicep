// Key Vault for the app's secrets (Direct Line secret, SMTP password). RBAC authorization only.
// Purge protection on and soft delete kept 90 days (the maximum): a deleted secret or vault can be
// recovered for 90 days and nobody, not even an owner, can purge it sooner. The price: after
// `azd down` the vault name stays reserved for those 90 days (see README, "Down").
param name string
param location string = resourceGroup().location
param tags object = {}
@description('Log Analytics workspace that receives the vault\'s audit logs.')
param logAnalyticsWorkspaceId string
@description('Disabled when the vault is reached through a private endpoint only.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

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
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
    }
  }
}

// Who read or changed which secret, and when: to the workspace, kept with its retention.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
