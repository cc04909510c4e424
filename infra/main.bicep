targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Region for all resources. It must offer Flex Consumption: az functionapp list-flexconsumption-locations')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the developer running azd (AZURE_PRINCIPAL_ID); gets the same storage data roles as the app so the portal and local runs can read jobs. Empty to skip.')
param principalId string = ''

@description('Put the storage account behind private endpoints (public network access off) and integrate the app into a new virtual network. The portal and local runs then cannot reach the account\'s data.')
param vnetEnabled bool = false

@description('Memory per instance: 512 MB ~ 0.25 vCPU, 2048 MB ~ 1 vCPU, 4096 MB ~ 2 vCPU. Billing is per GB-second, so a CPU-bound job costs about the same per core-second at any size; 4096 gives one invocation two cores.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 4096

// The platform's range and its per-group meaning: learn.microsoft.com/azure/azure-functions/event-driven-scaling
// (Flex Consumption: "Limit scale-out" and "Per-function scaling").
@description('Cap on the on-demand instances of EACH per-function scale group, not of the whole app: the HTTP functions share one group and every queue- or timer-triggered function has its own, so the app can run up to (number of groups) x this many instances, unless the regional Flex Consumption quota (250 cores by default) stops it first. Always-ready instances are not counted. See README, Deploy, for the groups and the worst-case cost.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

var abbreviations = {
  resourceGroup: 'rg-'
  managedIdentity: 'id-'
  storageAccount: 'st'
  logAnalyticsWorkspace: 'log-'
  applicationInsights: 'appi-'
  appServicePlan: 'plan-'
  functionApp: 'func-'
  virtualNetwork: 'vnet-'
}
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbreviations.functionApp}api-${resourceToken}'
var deploymentContainerName = 'app-package-${functionAppName}'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbreviations.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: '${abbreviations.managedIdentity}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: '${abbreviations.storageAccount}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    privateNetworkOnly: vnetEnabled
  }
}

module network 'app/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: resourceGroup
  params: {
    name: '${abbreviations.virtualNetwork}${resourceToken}'
    location: location
    tags: tags
  }
}

module storagePrivateEndpoints 'app/storage-private-endpoints.bicep' = if (vnetEnabled) {
  name: 'storage-private-endpoints'
  scope: resourceGroup
  params: {
    storageAccountName: storage.outputs.name
    virtualNetworkId: network!.outputs.id
    subnetId: network!.outputs.privateEndpointSubnetId
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: '${abbreviations.logAnalyticsWorkspace}${resourceToken}'
    applicationInsightsName: '${abbreviations.applicationInsights}${resourceToken}'
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: resourceGroup
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
  }
}

module function 'app/function.bicep' = {
  name: 'function'
  scope: resourceGroup
  params: {
    name: functionAppName
    planName: '${abbreviations.appServicePlan}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    virtualNetworkSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
  }
  // The host reaches storage with the identity from its first start, so the roles go first, and in private mode the
  // endpoints and their DNS records too.
  dependsOn: [rbac, storagePrivateEndpoints]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = function.outputs.name
output AZURE_FUNCTION_APP_URL string = function.outputs.url
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
