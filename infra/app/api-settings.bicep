// The Function App's settings: every setting the code reads in Azure
// (functions/ForumCloud.Functions/Platform/SettingNames.cs; a test keeps the two in step), with
// identity-based connections only: no storage key, no connection string with a key, and the one
// secrets (Direct Line, the SMTP password) as Key Vault references. Optionally App Service Authentication (Entra ID).
param functionAppName string
param storageAccountName string
param applicationInsightsName string
param identityClientId string
@description('Client id of the bot\'s own identity (no data roles): the bot\'s app id for CloudAdapter.')
param botIdentityClientId string
@allowed([
  'flex'
  'premium'
])
param hostingPlan string = 'flex'
@description('Front Door in front (enableFrontDoor): one more proxy appends to X-Forwarded-For.')
param frontDoorEnabled bool = false
@description('Key Vault secret URI of the Direct Line secret.')
param directLineSecretUri string
param staffRole string = 'ForumCloud.Staff'
param easyAuthEnabled bool = false
param easyAuthClientId string = ''
@description('Mail (SMTP): see main.bicep. The password arrives only as a Key Vault secret URI (empty: none).')
param smtpHost string = ''
param smtpPort int = 587
param smtpSecurity string = 'starttls'
param smtpFrom string = ''
param smtpUsername string = ''
param hasSmtpPassword bool = false
param smtpPasswordSecretUri string = ''
@description('Key Vault secret URI of the idempotency seal.')
param idempotencySealSecretUri string
param retentionRegistrationDays int = 180
param retentionNoticeBodyDays int = 30
param retentionFilingYears int = 30
@description('The https origin that links in mails point at.')
param publicBaseUrl string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Elastic Premium needs what Flex Consumption refuses: the runtime as settings, and run-from-package
// (azd zip-deploys; no Azure Files content share, which would need a storage key).
var premiumHostSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  WEBSITE_RUN_FROM_PACKAGE: '1'
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(hostingPlan == 'premium' ? premiumHostSettings : {}, {
    // Functions host and the app's StorageAccount: identity-based AzureWebJobsStorage.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    // Telemetry with Entra ID auth (the component has local auth disabled).
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // Bot Framework CloudAdapter for a user-assigned managed identity bot.
    MicrosoftAppType: 'UserAssignedMSI'
    MicrosoftAppId: botIdentityClientId
    MicrosoftAppTenantId: tenant().tenantId
    DirectLineSecret: '@Microsoft.KeyVault(SecretUri=${directLineSecretUri})'
    // Staff access: function keys always; with Easy Auth also the staff app role.
    ForumCloud__EasyAuthEnabled: easyAuthEnabled ? 'true' : 'false'
    ForumCloud__StaffRole: staffRole
    // Rate limits per instance (Platform/RateLimits): anonymous callers per IP, token holders per token. The
    // client's address is the X-Forwarded-For entry App Service's front end (and Front Door) appended.
    ForumCloud__RateLimits__AnonymousPerMinute: '30'
    ForumCloud__RateLimits__PartnerPerMinute: '1200'
    ForumCloud__RateLimits__TrustedProxies: frontDoorEnabled ? '2' : '1'
    // Mail over SMTP; no host: notices stay pending in the outbox (the app logs why).
    ForumCloud__Mail__SmtpHost: smtpHost
    ForumCloud__Mail__SmtpPort: string(smtpPort)
    ForumCloud__Mail__Security: smtpSecurity
    ForumCloud__Mail__From: smtpFrom
    ForumCloud__Mail__Username: smtpUsername
    ForumCloud__Mail__Password: hasSmtpPassword ? '@Microsoft.KeyVault(SecretUri=${smtpPasswordSecretUri})' : ''
    ForumCloud__PublicBaseUrl: publicBaseUrl
    // Minutes an anonymous registration holds its seat until confirmed by the mailed link.
    ForumCloud__Registrations__HoldMinutes: '30'
    // Every certificate needs a staff decision unless this is 'verified-applicants' (README: legal caveat).
    ForumCloud__Filings__AutoRegister: 'off'
    // Personal data: the idempotency seal (Key Vault) and the retention periods (README "Personal data").
    ForumCloud__Secrets__IdempotencySeal: '@Microsoft.KeyVault(SecretUri=${idempotencySealSecretUri})'
    ForumCloud__Retention__RegistrationDays: string(retentionRegistrationDays)
    ForumCloud__Retention__NoticeBodyDays: string(retentionNoticeBodyDays)
    ForumCloud__Retention__FilingYears: string(retentionFilingYears)
  })
}

// App Service Authentication in front of the app. Anonymous requests still pass (public and partner
// routes stay open; staff routes check the role in StaffGate); a valid Entra ID bearer token becomes
// X-MS-CLIENT-PRINCIPAL. /api/messages is excluded: the Bot Connector sends its own bearer token,
// which CloudAdapter validates.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (easyAuthEnabled) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
      excludedPaths: [
        '/api/messages'
      ]
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: easyAuthClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${easyAuthClientId}'
            easyAuthClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}
