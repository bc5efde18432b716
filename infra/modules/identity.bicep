// The function app's identity: a user-assigned managed identity, and what it may do. Nothing else holds data-plane rights.
//
// User-assigned rather than the app's system-assigned identity, because its principal outlives the app: an app
// deleted and created again under the same name keeps the same principal, so every role assignment below is
// unchanged on redeploy. (With a system-assigned identity the new app gets a new principal, and an assignment
// of the same name cannot be moved to it: RoleAssignmentUpdateNotPermitted.) The identity exists before the
// app, so the app starts with its rights in place.
//
// Every parameter is a name known when the deployment starts, never another module's output, so what-if
// expands this module and previews each assignment by name (bicepconfig.json makes what-if-short-circuiting
// an error). Only the identity's principal id is a runtime value: it exists once the identity does.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Storage account name.')
param storageAccountName string

@description('Application Insights name.')
param appInsightsName string

@description('Key Vault name.')
param keyVaultName string

// Built-in role definition ids.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // host storage, files, deployment package, user delegation keys
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // work queues, delivery outbox and its trigger, poison queue
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // submissions, users, sessions, indexes
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb' // telemetry with local auth off
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault references

var storageRoleIds = [
  storageBlobDataOwner
  storageQueueDataContributor
  storageTableDataContributor
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// An assignment's name is derived from its scope, the identity's resource id and the role: all known at the
// start of the deployment, none of them the app's.
resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in storageRoleIds: {
  name: guid(storage.id, identity.id, roleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource telemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Client id of the identity: the app settings name it so that every credential picks this identity.')
output clientId string = identity.properties.clientId
