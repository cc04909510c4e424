@description('Data-plane roles for the app identity (and optionally the developer) on the storage account and Application Insights.')
param storageAccountName string
param applicationInsightsName string
param appPrincipalId string

@description('Object id of the developer running azd; empty to skip the developer assignments.')
param developerPrincipalId string = ''

// Built-in role definition ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
var storageRoles = {
  // The Functions host needs Owner (not Contributor) on blobs for identity-based AzureWebJobsStorage; it also
  // covers the deployment container and the job-results container the app writes.
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // The queue trigger reads, deletes and poisons messages; the app enqueues and creates the queues if missing.
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // The app keeps job state in the jobs table; the host writes diagnostic events to tables.
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(storageRoles): {
    name: guid(storage.id, appPrincipalId, role.value)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appTelemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// No principalType: azd may run as a user or as a service principal in a pipeline.
resource developerStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(storageRoles): if (!empty(developerPrincipalId)) {
    name: guid(storage.id, developerPrincipalId, role.value)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      principalId: developerPrincipalId
    }
  }
]
