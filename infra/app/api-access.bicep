// With Front Door on (enableFrontDoor), the app answers only requests that came through this Front Door
// profile: the AzureFrontDoor.Backend service tag plus the profile's X-Azure-FDID header (the tag alone
// would admit every Front Door customer). The SCM site keeps its own (open) rules so `azd deploy`, which
// authenticates with Entra ID, still reaches it.
param functionAppName string
param frontDoorId string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource web 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'web'
  // A config/web deployment replaces the site's web config: repeat the hardening of api.bicep.
  properties: {
    minTlsVersion: '1.2'
    scmMinTlsVersion: '1.2'
    ftpsState: 'Disabled'
    http20Enabled: true
    ipSecurityRestrictionsDefaultAction: 'Deny'
    ipSecurityRestrictions: [
      {
        name: 'front-door-only'
        priority: 100
        action: 'Allow'
        tag: 'ServiceTag'
        ipAddress: 'AzureFrontDoor.Backend'
        headers: {
          'x-azure-fdid': [
            frontDoorId
          ]
        }
      }
    ]
    scmIpSecurityRestrictionsUseMain: false
  }
}
