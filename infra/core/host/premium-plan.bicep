// Elastic Premium (EP1) on Linux: for clouds and regions without Flex Consumption (Azure operated by
// 21Vianet among them). One instance is always warm, so it costs money at rest (see README, "Costs").
param name string
param location string = resourceGroup().location
param tags object = {}
@minValue(1)
@maxValue(100)
param maximumElasticWorkerCount int = 20

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: 'EP1'
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: maximumElasticWorkerCount
  }
}

output id string = plan.id
output name string = plan.name
