// Key Vault (RBAC mode) for the secrets the app reads through Key Vault references: user passwords
// and the session signing key. Values are set by the operator (docs/deploy.md, step 4), never by templates.

@description('Key Vault name (3-24 letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Object id of a user, group or service principal that may write secrets (Key Vault Secrets Officer). Empty: none assigned here.')
param operatorObjectId string

@description('Principal type of operatorObjectId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string

var keyVaultSecretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorObjectId)) {
  name: guid(vault.id, operatorObjectId, keyVaultSecretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRoleId)
    principalId: operatorObjectId
    principalType: operatorPrincipalType
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
