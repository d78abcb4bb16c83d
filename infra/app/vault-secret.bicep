// A secret the app reads (the SMTP password, the idempotency seal) as a Key Vault secret: the app setting holds only a Key Vault
// reference to it (resolved by the platform with the app's identity, which has Key Vault Secrets User).
param keyVaultName string
@secure()
param password string
@description('Whether a password was given (a flag, so that no output is computed from the secure value).')
param hasPassword bool
param secretName string = 'smtp-password'
param contentType string = 'SMTP password of the ForumCloud mail sender'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasPassword) {
  parent: vault
  name: secretName
  properties: {
    value: password
    contentType: contentType
  }
}

// The unversioned URI (a rotated password needs no template change); empty when no password was given.
output secretUri string = hasPassword ? '${vault.properties.vaultUri}secrets/${secretName}' : ''
