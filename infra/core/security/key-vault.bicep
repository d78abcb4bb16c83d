// Key Vault for the secrets the app holds (the Direct Line secret, the SMTP password if any). RBAC authorization only;
// soft delete with short retention, no purge protection, so `azd down --purge` can remove it.
param name string
param location string = resourceGroup().location
param tags object = {}

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
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
