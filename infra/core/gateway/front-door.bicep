// Optional edge (enableFrontDoor): Azure Front Door Standard in front of the Function App, with a WAF
// policy whose custom rules limit, per client IP, the anonymous write routes that the app itself also
// limits per instance (defence in depth: the edge counts across all instances, the app per instance).
// The app accepts only traffic from Front Door (service tag + this profile's X-Azure-FDID, set in
// app/api-access.bicep).
param name string
param tags object = {}
@description('The Function App\'s default host name (the origin).')
param originHostName string
@description('Requests per minute and client IP on the anonymous write routes before the WAF answers 429.')
@minValue(10)
param anonymousPerMinute int = 30

resource profile 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: name
  location: 'global'
  tags: tags
  sku: {
    name: 'Standard_AzureFrontDoor'
  }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-02-01' = {
  parent: profile
  name: 'api-${uniqueString(profile.id)}'
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'function-app'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
    healthProbeSettings: {
      probePath: '/api/health'
      probeRequestType: 'GET'
      probeProtocol: 'Https'
      probeIntervalInSeconds: 60
    }
  }
}

resource origin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: originGroup
  name: 'function-app'
  properties: {
    hostName: originHostName
    originHostHeader: originHostName
    httpsPort: 443
    priority: 1
    weight: 1000
    enforceCertificateNameCheck: true
  }
}

resource route 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: endpoint
  name: 'everything'
  dependsOn: [origin]
  properties: {
    originGroup: {
      id: originGroup.id
    }
    supportedProtocols: [
      'Https'
    ]
    httpsRedirect: 'Disabled'
    forwardingProtocol: 'HttpsOnly'
    patternsToMatch: [
      '/*'
    ]
    linkToDefaultDomain: 'Enabled'
  }
}

// The routes the app limits for anonymous callers (ForumCloud__RateLimits__AnonymousPerMinute).
var limitedPaths = [
  '/api/events/[^/]+/registrations'
  '/api/registrations/confirm'
  '/api/partners'
  '/api/partners/verify'
  '/api/applicants'
  '/api/applicants/verify'
  '/api/ask'
  '/api/directline/token'
]

resource waf 'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies@2024-02-01' = {
  name: replace('waf${name}', '-', '')
  location: 'global'
  tags: tags
  sku: {
    name: 'Standard_AzureFrontDoor'
  }
  properties: {
    policySettings: {
      enabledState: 'Enabled'
      mode: 'Prevention'
      customBlockResponseStatusCode: 429
    }
    customRules: {
      rules: [
        {
          name: 'AnonymousWritesPerIp'
          priority: 100
          enabledState: 'Enabled'
          ruleType: 'RateLimitRule'
          rateLimitDurationInMinutes: 1
          rateLimitThreshold: anonymousPerMinute
          groupBy: [
            {
              variableName: 'SocketAddr'
            }
          ]
          matchConditions: [
            {
              matchVariable: 'RequestMethod'
              operator: 'Equal'
              matchValue: [
                'POST'
              ]
            }
            {
              matchVariable: 'RequestUri'
              operator: 'RegEx'
              matchValue: [
                '^https?://[^/]+(${join(limitedPaths, '|')})(\\?|$)'
              ]
            }
          ]
          action: 'Block'
        }
      ]
    }
  }
}

resource securityPolicy 'Microsoft.Cdn/profiles/securityPolicies@2024-02-01' = {
  parent: profile
  name: 'waf'
  properties: {
    parameters: {
      type: 'WebApplicationFirewall'
      wafPolicy: {
        id: waf.id
      }
      associations: [
        {
          domains: [
            {
              id: endpoint.id
            }
          ]
          patternsToMatch: [
            '/*'
          ]
        }
      ]
    }
  }
}

output frontDoorId string = profile.properties.frontDoorId
output hostName string = endpoint.properties.hostName
