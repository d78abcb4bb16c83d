// The Azure Bot registration for the chatbot: a user-assigned managed identity bot (no app password
// to rotate) whose messaging endpoint is the Function App's /api/messages, with the Direct Line channel
// for the web chat page. The Direct Line secret goes straight from the channel into Key Vault; the app
// reads it through a Key Vault reference and it never appears in a template output or an app setting.
param name string
param tags object = {}
@allowed([
  'F0'
  'S1'
])
param sku string = 'F0'
@description('The bot\'s messaging endpoint: https://<app host>/api/messages.')
param endpoint string
param identityId string
param identityClientId string
param keyVaultName string
@description('Entra tenant of the bot\'s managed identity.')
param tenantId string = tenant().tenantId
param directLineSecretName string = 'direct-line-secret'
@description('The web chat page\'s origin (https://<app host>): Direct Line enhanced authentication only issues tokens for pages from it.')
param trustedOrigin string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: 'ForumCloud mandate assistant'
    description: 'Answers questions about the commission\'s duties and lists open Zhongguancun Forum events.'
    endpoint: endpoint
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppTenantId: tenantId
    msaAppMSIResourceId: identityId
    publicNetworkAccess: 'Enabled'
  }

  resource directLine 'channels' = {
    name: 'DirectLineChannel'
    location: 'global'
    properties: {
      channelName: 'DirectLineChannel'
      properties: {
        sites: [
          {
            siteName: 'ForumCloud web chat'
            isEnabled: true
            isV1Enabled: false
            isV3Enabled: true
            // Enhanced authentication: a token from /api/directline/token only works for a page served from the app's own origin.
            isSecureSiteEnabled: true
            trustedOrigins: [
              trustedOrigin
            ]
          }
        ]
      }
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// listChannelWithKeys (POST .../channels/DirectLineChannel/listChannelWithKeys) returns the site keys.
// The Bicep type library puts them under `setting.sites[]`; the CLI (`az bot directline show
// --with-secrets`) reads `properties.properties.sites[]`: take whichever the answer has. A missing key
// fails the deployment (a secret needs a value) rather than deploying an app without Direct Line.
resource directLineSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: directLineSecretName
  properties: {
    value: bot::directLine.listChannelWithKeys().?setting.?sites[0].?key ?? bot::directLine.listChannelWithKeys().?properties.?properties.?sites[0].?key
    contentType: 'Direct Line secret of ${name}'
  }
}

output name string = bot.name
// The unversioned secret URI: the app picks up a rotated secret without a template change.
output directLineSecretUri string = directLineSecret.properties.secretUri
