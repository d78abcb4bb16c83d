// ForumCloud on Azure, provisioned by `azd up` (layout after the azd Functions quickstart templates:
// main.bicep + app/ + core/ modules, all local files: registry modules cannot be restored offline).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it names the resource group (rg-<env>) and seeds the resource token.')
param environmentName string

@minLength(1)
@description('Primary location for all resources. Flex Consumption is offered in these regions.')
@allowed([
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

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID). When set, that user gets the same storage data roles as the app, for debugging against Azure.')
param principalId string = ''

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

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

// The azure.yaml service this Function App receives (azd finds it by the azd-service-name tag).
var apiServiceName = 'api'
// Names are computed here, not read from module outputs, so What-If can predict every resource id.
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

// Every table and queue the app uses (functions/ForumCloud.Functions/Platform/StorageNames.cs), each queue
// with the poison queue the Functions host moves a message to after maxDequeueCount failures.
// A test (Infra/InfraParityTests) keeps these lists and the code in step.
var tableNames = [
  'forumevents'
  'registrationcodes'
  'notifications'
  'partners'
  'cooperations'
  'reminders'
  'filings'
  'filingkeys'
  'counters'
  'mandateunanswered'
]
var queueNames = [
  'registration-changes'
  'registration-changes-poison'
  'filings'
  'filings-poison'
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
  }
}

module plan './core/host/flex-consumption-plan.bicep' = {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
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
    planId: plan.outputs.id
    storageAccountName: storageAccountName
    deploymentStorageContainerName: deploymentStorageContainerName
    identityId: identity.outputs.id
    maximumInstanceCount: maximumInstanceCount
  }
}

// The bot needs the app's host name; it writes the Direct Line secret into Key Vault.
module bot './app/bot.bicep' = {
  name: 'bot'
  scope: rg
  dependsOn: [keyVault]
  params: {
    name: '${abbrs.botServicesBots}${resourceToken}'
    tags: tags
    sku: botSku
    endpoint: 'https://${api.outputs.defaultHostName}/api/messages'
    trustedOrigin: 'https://${api.outputs.defaultHostName}'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    keyVaultName: keyVaultName
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
    directLineSecretUri: bot.outputs.directLineSecretUri
    staffRole: staffRole
    easyAuthEnabled: easyAuthEnabled
    easyAuthClientId: easyAuthClientId
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
output SERVICE_API_URI string = 'https://${api.outputs.defaultHostName}'
output FORUMCLOUD_BASE_URL string = 'https://${api.outputs.defaultHostName}'
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
