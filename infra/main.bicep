// ForumCloud on Azure, provisioned by `azd up` (layout after the azd Functions quickstart templates:
// main.bicep + app/ + core/ modules, all local files: registry modules cannot be restored offline).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it names the resource group (rg-<env>) and seeds the resource token.')
param environmentName string

@minLength(1)
@description('Primary location for all resources. Flex Consumption (hostingPlan flex) is offered in the global regions listed; the chinaeast/chinanorth regions are Azure operated by 21Vianet (azd config set cloud.name AzureChinaCloud) and need hostingPlan premium.')
@allowed([
  'chinaeast2'
  'chinaeast3'
  'chinanorth2'
  'chinanorth3'
  'australiaeast'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'japaneast'
  'northcentralus'
  'northeurope'
  'southcentralus'
  'southeastasia'
  'swedencentral'
  'uksouth'
  'westcentralus'
  'westeurope'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID). Used only with grantUserDataRoles.')
param principalId string = ''

@description('Give the deploying user the app\'s storage data roles (to run the local runner against Azure storage). Off by default: that user could then read every registrant\'s personal data.')
param grantUserDataRoles bool = false

@description('flex: Flex Consumption (FC1), nothing billed at rest. premium: Elastic Premium EP1, for clouds and regions without Flex Consumption (Azure operated by 21Vianet).')
@allowed([
  'flex'
  'premium'
])
param hostingPlan string = 'flex'

@description('Private networking: VNet integration for the app, private endpoints for storage and Key Vault, their public network access off.')
param vnetEnabled bool = false

@description('Azure Front Door Standard with WAF rate limits per client IP in front of the app; the app then accepts traffic only from this Front Door.')
param enableFrontDoor bool = false

@description('WAF limit (requests per minute and client IP) on the anonymous write routes, with enableFrontDoor.')
@minValue(10)
param frontDoorAnonymousPerMinute int = 30

@description('Switch on App Service Authentication (Entra ID) in front of the app. Staff routes then need a signed-in staff member with the staff app role, besides the function key.')
param easyAuthEnabled bool = false

@description('Client id of the Entra ID app registration Easy Auth validates tokens for (required when easyAuthEnabled is true).')
param easyAuthClientId string = ''

@description('The app role a staff member must carry when Easy Auth is on.')
param staffRole string = 'ForumCloud.Staff'

@description('Azure Bot pricing tier: F0 (free, standard channels) or S1.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Flex Consumption scale-out ceiling (cost guard).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('SMTP server for the app\'s mail: the commission\'s own relay, or smtp.azurecomm.net for Azure Communication Services Email. Empty: no mail is sent; notices stay pending in the outbox.')
param smtpHost string = ''

@description('SMTP port: 587 with STARTTLS (the default), 465 with TLS.')
param smtpPort int = 587

@description('How the SMTP connection is secured.')
@allowed([
  'none'
  'starttls'
  'tls'
])
param smtpSecurity string = 'starttls'

@description('The sender of every mail, an address the SMTP server lets the app send from, e.g. "Zhongguancun Forum <forum@example.org>".')
param smtpFrom string = ''

@description('SMTP user name (for Azure Communication Services: the Entra application\'s SMTP user name). Empty: no authentication.')
param smtpUsername string = ''

@description('SMTP password; stored in Key Vault, the app setting is a Key Vault reference.')
@secure()
param smtpPassword string = ''

@description('The server secret that seals the first answer of an idempotent registration (ForumCloud__Secrets__IdempotencySeal). azd fills it from Key Vault, or with a new random value on the first provision (main.parameters.json).')
@secure()
param idempotencySeal string

@description('Retention (README "Personal data"): days after an event until its registrations are erased; days until a sent mail is erased; years filings are kept.')
param retentionRegistrationDays int = 180
param retentionNoticeBodyDays int = 30
param retentionFilingYears int = 30

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

// The azure.yaml service this Function App receives (azd finds it by the azd-service-name tag).
var apiServiceName = 'api'
// Names are computed here, not read from module outputs, so What-If can predict every resource id.
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
var botIdentityName = '${abbrs.managedIdentityUserAssignedIdentities}bot-${resourceToken}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

// Every table and queue the app uses (functions/ForumCloud.Functions/Platform/StorageNames.cs), each queue
// with the poison queue the Functions host moves a message to after maxDequeueCount failures.
// A test (Infra/InfraParityTests) keeps these lists and the code in step.
var tableNames = [
  'forumevents'
  'eventcatalog'
  'registrationcodes'
  'notifications'
  'partners'
  'cooperations'
  'reminders'
  'filings'
  'filingkeys'
  'applicants'
  'counters'
  'checkinsecrets'
  'mandateunanswered'
]
var queueNames = [
  'registration-changes'
  'registration-changes-poison'
  'filings'
  'filings-poison'
  'mail-outbox'
  'mail-outbox-poison'
]

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// One user-assigned identity is the app's storage, monitoring and Key Vault credential and the bot's app id.
module identity './core/security/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

// The bot's own identity: the Bot Service knows the bot by it; it has no data role anywhere, so a leak of
// the bot's credentials reaches no registration.
module botIdentity './core/security/user-assigned-identity.bicep' = {
  name: 'bot-identity'
  scope: rg
  params: {
    name: botIdentityName
    location: location
    tags: tags
  }
}

module storage './core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containerNames: [deploymentStorageContainerName]
    tableNames: tableNames
    queueNames: queueNames
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
  }
}

module monitoring './core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module keyVault './core/security/key-vault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
  }
}

module flexPlan './core/host/flex-consumption-plan.bicep' = if (hostingPlan == 'flex') {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
  }
}

module premiumPlan './core/host/premium-plan.bicep' = if (hostingPlan == 'premium') {
  name: 'premium-plan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
  }
}

module network './core/network/private-network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  dependsOn: [storage, keyVault]
  params: {
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
    hostingPlan: hostingPlan
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
  }
}

module rbac './app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  dependsOn: [storage, monitoring, keyVault]
  params: {
    storageAccountName: storageAccountName
    applicationInsightsName: applicationInsightsName
    keyVaultName: keyVaultName
    managedIdentityName: identityName
    managedIdentityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    grantUserDataRoles: grantUserDataRoles
  }
}

module api './app/api.bicep' = {
  name: 'api'
  scope: rg
  dependsOn: [storage]
  params: {
    name: functionAppName
    location: location
    tags: tags
    serviceName: apiServiceName
    planId: hostingPlan == 'flex' ? flexPlan!.outputs.id : premiumPlan!.outputs.id
    hostingPlan: hostingPlan
    storageAccountName: storageAccountName
    deploymentStorageContainerName: deploymentStorageContainerName
    identityId: identity.outputs.id
    botIdentityId: botIdentity.outputs.id
    vnetEnabled: vnetEnabled
    appSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    maximumInstanceCount: maximumInstanceCount
  }
}

module frontDoor './core/gateway/front-door.bicep' = if (enableFrontDoor) {
  name: 'front-door'
  scope: rg
  params: {
    name: '${abbrs.cdnProfiles}${resourceToken}'
    tags: tags
    originHostName: api.outputs.defaultHostName
    anonymousPerMinute: frontDoorAnonymousPerMinute
  }
}

module apiAccess './app/api-access.bicep' = if (enableFrontDoor) {
  name: 'api-access'
  scope: rg
  params: {
    functionAppName: functionAppName
    frontDoorId: enableFrontDoor ? frontDoor!.outputs.frontDoorId : ''
  }
}

// What the world (and the Bot Service) calls: Front Door's host when it is on, else the app's own.
var publicHostName = enableFrontDoor ? frontDoor!.outputs.hostName : api.outputs.defaultHostName

// The bot needs the app's host name; it writes the Direct Line secret into Key Vault.
module bot './app/bot.bicep' = {
  name: 'bot'
  scope: rg
  dependsOn: [keyVault]
  params: {
    name: '${abbrs.botServicesBots}${resourceToken}'
    tags: tags
    sku: botSku
    endpoint: 'https://${publicHostName}/api/messages'
    trustedOrigin: 'https://${publicHostName}'
    identityId: botIdentity.outputs.id
    identityClientId: botIdentity.outputs.clientId
    keyVaultName: keyVaultName
  }
}

module mailSecret './app/vault-secret.bicep' = {
  name: 'mail-secret'
  scope: rg
  dependsOn: [keyVault]
  params: {
    keyVaultName: keyVaultName
    password: smtpPassword
    hasPassword: !empty(smtpPassword)
  }
}

module sealSecret './app/vault-secret.bicep' = {
  name: 'idempotency-seal'
  scope: rg
  dependsOn: [keyVault]
  params: {
    keyVaultName: keyVaultName
    password: idempotencySeal
    hasPassword: true
    secretName: 'idempotency-seal'
    contentType: 'Seal of ForumCloud idempotency records'
  }
}

// App settings last: the Key Vault reference and the data roles exist before the app restarts on them.
module apiSettings './app/api-settings.bicep' = {
  name: 'api-settings'
  scope: rg
  dependsOn: [rbac, monitoring]
  params: {
    functionAppName: functionAppName
    storageAccountName: storageAccountName
    applicationInsightsName: applicationInsightsName
    identityClientId: identity.outputs.clientId
    botIdentityClientId: botIdentity.outputs.clientId
    hostingPlan: hostingPlan
    frontDoorEnabled: enableFrontDoor
    directLineSecretUri: bot.outputs.directLineSecretUri
    staffRole: staffRole
    easyAuthEnabled: easyAuthEnabled
    easyAuthClientId: easyAuthClientId
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpSecurity: smtpSecurity
    smtpFrom: smtpFrom
    smtpUsername: smtpUsername
    hasSmtpPassword: !empty(smtpPassword)
    smtpPasswordSecretUri: mailSecret.outputs.secretUri
    idempotencySealSecretUri: sealSecret.outputs.secretUri
    retentionRegistrationDays: retentionRegistrationDays
    retentionNoticeBodyDays: retentionNoticeBodyDays
    retentionFilingYears: retentionFilingYears
    publicBaseUrl: 'https://${api.outputs.defaultHostName}'
  }
}

// azd stores these in the environment (.azure/<env>/.env); the postdeploy hook reads them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_BOT_NAME string = bot.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = 'https://${publicHostName}'
output FORUMCLOUD_BASE_URL string = 'https://${publicHostName}'
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
