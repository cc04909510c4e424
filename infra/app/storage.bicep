@description('Storage account for the Functions host, the job queue, the job table and the results; keys are disabled.')
param name string
param location string
param tags object

@description('Blob container Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Refuse every request from outside the virtual network: the app then reaches the account only through private endpoints.')
param privateNetworkOnly bool = false

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateNetworkOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworkOnly ? 'Deny' : 'Allow'
      bypass: privateNetworkOnly ? 'None' : 'AzureServices'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
    }

    resource jobResults 'containers' = {
      name: 'job-results'
    }
  }

  resource queueService 'queueServices' = {
    name: 'default'

    resource jobs 'queues' = {
      name: 'jobs'
    }

    // The queue trigger moves a message here after its last failed attempt (maxDequeueCount).
    resource jobsPoison 'queues' = {
      name: 'jobs-poison'
    }

    // Job callbacks, a message per delivery attempt; the app or the trigger puts one given up on in callbacks-poison.
    resource callbacks 'queues' = {
      name: 'callbacks'
    }

    resource callbacksPoison 'queues' = {
      name: 'callbacks-poison'
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource jobs 'tables' = {
      name: 'jobs'
    }
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
