// Flex Consumption (FC1, Linux) plan and the function app: runtime "dotnet-isolated" 10.0 (the Functions host
// starts the XQueue.Functions isolated worker from the package), running as the user-assigned identity of
// identity.bicep, which pulls the package from a blob container and resolves the Key Vault references.
// Flex takes the runtime only from functionAppConfig, so FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION
// and the WEBSITE_* content settings are never set (they are rejected or ignored on Flex).

@description('Function app name; also the host name <name>.azurewebsites.net.')
@minLength(2)
@maxLength(60)
param appName string

@description('Flex Consumption plan name (one app per plan).')
param planName string

@description('Azure region.')
param location string

@description('Memory of each instance, MB.')
param instanceMemoryMB int

@description('Most instances the app scales out to.')
param maximumInstanceCount int

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('URL of the blob container the package is deployed to.')
param deploymentContainerUrl string

@description('App settings, as { name, value } objects.')
param appSettings array

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Without it Key Vault references would be resolved with a system-assigned identity, which the app has not.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: appSettings
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

output id string = app.id
output name string = app.name
output defaultHostName string = app.properties.defaultHostName
