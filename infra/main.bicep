// XQueue on Azure Functions: a Flex Consumption function app (.NET isolated worker), its storage account,
// Application Insights with alerts, a Key Vault for its secrets, and the app's managed identity with its roles.
//
//   az bicep build --file infra/main.bicep
//   az deployment group create -g <group> -n xqueue -p infra/main.bicepparam
//
// docs/deploy.md walks through the whole deployment. Every XQueue option the app binds has an app setting
// below; XQueue.Functions.Tests/Hosting/InfraSettingsTests.cs keeps the two in step, on the compiled template.

targetScope = 'resourceGroup'

import { alertWindowMinutes } from 'modules/alerts.bicep'

@description('A user seeded (or updated) at every start of the app.')
type userSeed = {
  @description('User name: use letters, digits and "_" only (a rule Bicep cannot check). The name becomes part of two app setting names (XQueue__Users__<name>__Password and __Roles), which Azure allows to hold only letters, digits, "." and "_", and of the Key Vault secret name xqueue-user-<name>, which allows only letters, digits and "-" ("_" is written as "-" there, and the name is lowercased).')
  @minLength(1)
  @maxLength(64)
  name: string

  @description('Comma list of roles: submit (the LMS), grade (graders), admin.')
  @minLength(1)
  roles: string
}

@description('Short name of this instance: lowercase letters and digits, with single hyphens inside if you like (e.g. "xqueue", "xqueue-staging"). Resource names derive from it.')
@minLength(3)
@maxLength(20)
param baseName string

@description('Azure region. It must offer Flex Consumption: az functionapp list-flexconsumption-locations -o table')
param location string = resourceGroup().location

@description('Function app name, which is also the public host name <appName>.azurewebsites.net (globally unique). Empty: func-<baseName>-<6 characters derived from the resource group>.')
@maxLength(60)
param appName string = ''

@description('The XQueue queues, as queue name -> settings: {"MITx-6.00x": {"PushUrl": "", "ProcessingDelay": "00:05:00"}, "test-pull": {}}. Names are case-sensitive, as the LMS and graders spell them. Settings are optional: a non-empty PushUrl makes a push queue, ProcessingDelay overrides processingDelay. Passed to the app as one JSON setting (XQueue__QueuesJson) because app setting names cannot hold names like MITx-6.00x.')
param queues object = {
  'test-pull': {}
}

@description('Users seeded at start, e.g. [{"name": "lms", "roles": "submit"}, {"name": "grader", "roles": "grade"}]. Each password is read from the Key Vault secret listed in the userSecretNames output.')
param users userSeed[] = []

@description('How long a pulled submission stays hidden before it is handed out again with a new key (TimeSpan text, 00:00:01 to 7.00:00:00; the legacy SUBMISSION_PROCESSING_DELAY).')
param processingDelay string = '00:01:00'

@description('Unanswered pulls tolerated; a submission pulled more often is failed and the LMS gets the legacy failure notice.')
@minValue(0)
@maxValue(100)
param maxFailures int = 3

@description('Most submissions one queue holds in its Storage Queue; more wait in the backlog table, in order, and are moved in as graders drain it. Bounds the cost of each queue operation on the Azurite emulator; on Azure Storage it changes nothing unless more are queued.')
@minValue(10)
@maxValue(10000)
param queueWindow int = 200

@description('Comma list of users (from users, with the admin role) who may delete submissions from the operator dashboard; empty for nobody.')
param dashboardSuperAdmins string = ''

@description('Prefix of every queue, table and container the app creates: empty, or 1-16 lowercase letters and digits starting with a letter. Lets several instances share one storage account.')
@maxLength(16)
param storagePrefix string = ''

@description('How long finished submissions and their files are kept (TimeSpan text, 01:00:00 to 3650.00:00:00).')
param retention string = '7.00:00:00'

@description('Lifetime of the read-only file URLs handed to graders (TimeSpan text, 00:01:00 to 7.00:00:00).')
param fileUrlLifetime string = '01:00:00'

@description('Lifetime of a login session (TimeSpan text, 00:01:00 to 90.00:00:00).')
param sessionLifetime string = '1.00:00:00'

@description('Timeout of one POST of a result to the LMS (TimeSpan text, 00:00:01 to 00:05:00).')
param deliveryTimeout string = '00:00:10'

@description('First retry delay of a failed delivery; doubles per attempt (TimeSpan text).')
param deliveryRetryBase string = '00:00:05'

@description('Longest delay between delivery retries (TimeSpan text, at least deliveryRetryBase, at most 7.00:00:00).')
param deliveryRetryMax string = '00:05:00'

@description('A result the LMS has not accepted after this long is given up and logged as an error (TimeSpan text, 00:01:00 to 30.00:00:00).')
param deliveryGiveUpAfter string = '3.00:00:00'

@description('Deliveries running at once in one instance.')
@minValue(1)
@maxValue(256)
param deliveryConcurrency int = 8

@description('Comma list of the hosts LMS callback URLs may name (lms.example.com, *.example.com). Empty allows any public host (a warning is logged at start). Loopback and private addresses only when listed exactly; link-local and metadata addresses never.')
param callbackHosts string = ''

@description('Issuer of the LMS\'s JWTs (its JWT_ISSUER), to accept them as bearer tokens; set together with lmsJwksUrl.')
param jwtLmsIssuer string = ''

@description('URL of the LMS\'s JWKS (e.g. https://lms.example.com/oauth2/jwks), fetched and cached; set together with jwtLmsIssuer.')
param jwtLmsJwksUrl string = ''

@description('Comma list of audiences bearer tokens must name.')
param jwtAudience string = 'xqueue'

@description('Legacy permissive mode: any logged-in session user may do anything on any queue, as in the original XQueue. Off: roles and per-queue lists are enforced.')
param legacyPermissive bool = false

@description('Memory of each Flex Consumption instance, MB. The handler needs well under 512 MB; execution time is billed per GB-second of this size (docs/deploy.md, "What it costs").')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 512

@description('Most instances the app scales out to (Flex Consumption allows 1 to 1000): a low cap bounds the cost of a runaway load.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Redundancy of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Allow Shared Key (account key) authorization on the storage account. The app and the Functions host use Entra ID only and never read a key; leave this false unless a tool of yours needs keys.')
param allowSharedKeyAccess bool = false

@description('Days Log Analytics keeps logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Object id of the user (or group, or service principal) who sets the secrets; it gets Key Vault Secrets Officer on the vault. Yours: az ad signed-in-user show --query id -o tsv. Empty: assign the role yourself.')
param operatorObjectId string = ''

@description('Principal type of operatorObjectId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

// Alerts (modules/alerts.bicep; docs/deploy.md, "Alerts", says what each means and what to do).

@description('E-mail address the alerts are sent to; empty for none (they still show in the portal, Monitor > Alerts).')
param alertEmail string = ''

@description('"Graders silent" fires when a queue has had submissions waiting this many minutes and no grader pulled any.')
param gradersSilentMinutes alertWindowMinutes = 15

@description('"Oldest waiting" fires when a queue\'s oldest waiting submission has waited longer than this many minutes.')
@minValue(1)
@maxValue(10080)
param oldestWaitingMinutes int = 30

@description('"Submissions failed" fires when more than this many submissions of a queue failed (pulled too often without an answer) within 15 minutes.')
@minValue(0)
param failedSubmissionsThreshold int = 0

@description('"Results undeliverable" fires when results have waited this many minutes for delivery to the LMS and none was delivered.')
param undeliverableMinutes alertWindowMinutes = 15

@description('"Server errors" fires when more than this many requests were answered with HTTP 5xx within 15 minutes.')
@minValue(0)
param serverErrorsThreshold int = 0

var suffix = uniqueString(resourceGroup().id, baseName)
var compactBase = take(toLower(replace(baseName, '-', '')), 9)
var names = {
  app: empty(appName) ? 'func-${baseName}-${take(suffix, 6)}' : appName
  plan: 'plan-${baseName}'
  storage: 'st${compactBase}${suffix}'
  keyVault: 'kv${compactBase}${suffix}'
  logAnalytics: 'log-${baseName}'
  appInsights: 'appi-${baseName}'
  identity: 'id-${baseName}'
}
var deploymentContainerName = 'app-package'
var sessionKeySecretName = 'xqueue-session-signing-key'
var keyVaultReferencePrefix = '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName='
// Key Vault secret names allow letters, digits and '-' only, and are not case-sensitive.
var userSecretNames = toObject(users, user => user.name, user => 'xqueue-user-${toLower(replace(user.name, '_', '-'))}')

module storage 'modules/storage.bicep' = {
  name: '${baseName}-storage'
  params: {
    name: names.storage
    location: location
    skuName: storageSku
    allowSharedKeyAccess: allowSharedKeyAccess
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: '${baseName}-monitoring'
  params: {
    workspaceName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    retentionInDays: logRetentionDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: '${baseName}-keyvault'
  params: {
    name: names.keyVault
    location: location
    operatorObjectId: operatorObjectId
    operatorPrincipalType: operatorPrincipalType
  }
}

// The PushDispatch timer (every 10 s) serves push queues when no instance is alive; without push queues it
// would only wake the app for nothing, so the host is told to skip it.
var hasPushQueues = length(filter(items(queues), queue => !empty(queue.value.?PushUrl ?? ''))) > 0

// The app's identity and its roles, created before the app so that it starts with its rights. Given only names
// known at the start of the deployment (no module outputs), so what-if previews every role assignment.
module identity 'modules/identity.bicep' = {
  name: '${baseName}-identity'
  params: {
    name: names.identity
    location: location
    storageAccountName: names.storage
    appInsightsName: names.appInsights
    keyVaultName: names.keyVault
  }
  dependsOn: [
    storage
    monitoring
    keyVault
  ]
}

// Host and app reach storage with the managed identity (Entra ID); no connection string, no key. The identity is
// user-assigned, so each client names it by client id: the host's storage (__credential, __clientId), telemetry
// (ClientId= in the authentication string), and any DefaultAzureCredential in the app (AZURE_CLIENT_ID).
var platformSettings = [
  {
    name: 'AzureWebJobs.PushDispatch.Disabled'
    value: string(!hasPushQueues)
  }
  {
    name: 'AzureWebJobsStorage__accountName'
    value: names.storage
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identity.outputs.clientId
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identity.outputs.clientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: monitoring.outputs.appInsightsConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  }
]

// One setting per XQueue option (XQueue.Functions/Configuration/XQueueOptions.cs); "__" separates levels.
var xqueueSettings = [
  {
    name: 'XQueue__QueuesJson'
    value: string(queues)
  }
  {
    name: 'XQueue__ProcessingDelay'
    value: processingDelay
  }
  {
    name: 'XQueue__MaxFailures'
    value: string(maxFailures)
  }
  {
    name: 'XQueue__QueueWindow'
    value: string(queueWindow)
  }
  {
    name: 'XQueue__StoragePrefix'
    value: storagePrefix
  }
  {
    name: 'XQueue__Dashboard__SuperAdmins'
    value: dashboardSuperAdmins
  }
  {
    name: 'XQueue__Retention'
    value: retention
  }
  {
    name: 'XQueue__FileUrlLifetime'
    value: fileUrlLifetime
  }
  {
    name: 'XQueue__Sessions__SigningKey'
    value: '${keyVaultReferencePrefix}${sessionKeySecretName})'
  }
  {
    name: 'XQueue__Sessions__Lifetime'
    value: sessionLifetime
  }
  {
    name: 'XQueue__Delivery__Timeout'
    value: deliveryTimeout
  }
  {
    name: 'XQueue__Delivery__RetryBase'
    value: deliveryRetryBase
  }
  {
    name: 'XQueue__Delivery__RetryMax'
    value: deliveryRetryMax
  }
  {
    name: 'XQueue__Delivery__GiveUpAfter'
    value: deliveryGiveUpAfter
  }
  {
    name: 'XQueue__Delivery__Concurrency'
    value: string(deliveryConcurrency)
  }
  {
    name: 'XQueue__CallbackHosts'
    value: callbackHosts
  }
  {
    name: 'XQueue__LegacyPermissive'
    value: string(legacyPermissive)
  }
  {
    name: 'XQueue__Jwt__Audience'
    value: jwtAudience
  }
  {
    name: 'XQueue__Jwt__LmsIssuer'
    value: jwtLmsIssuer
  }
  {
    name: 'XQueue__Jwt__LmsJwksUrl'
    value: jwtLmsJwksUrl
  }
]

var userPasswordSettings = [for user in users: {
  name: 'XQueue__Users__${user.name}__Password'
  value: '${keyVaultReferencePrefix}${userSecretNames[user.name]})'
}]

var userRoleSettings = [for user in users: {
  name: 'XQueue__Users__${user.name}__Roles'
  value: user.roles
}]

module functionApp 'modules/functionapp.bicep' = {
  name: '${baseName}-functionapp'
  params: {
    appName: names.app
    planName: names.plan
    location: location
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    identityId: resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', names.identity)
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appSettings: concat(platformSettings, xqueueSettings, userPasswordSettings, userRoleSettings)
  }
}

module alerts 'modules/alerts.bicep' = {
  name: '${baseName}-alerts'
  params: {
    baseName: baseName
    location: location
    appInsightsName: names.appInsights
    email: alertEmail
    gradersSilentMinutes: gradersSilentMinutes
    oldestWaitingMinutes: oldestWaitingMinutes
    failedSubmissionsThreshold: failedSubmissionsThreshold
    undeliverableMinutes: undeliverableMinutes
    serverErrorsThreshold: serverErrorsThreshold
  }
  dependsOn: [
    monitoring
  ]
}

@description('Base URL of the service: XQUEUE_INTERFACE.url for the LMS, SERVER for xqueue-watcher.')
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('Function app name.')
output functionAppName string = functionApp.outputs.name

@description('Storage account name.')
output storageAccountName string = storage.outputs.name

@description('Key Vault name.')
output keyVaultName string = keyVault.outputs.name

@description('Blob container the app package is deployed to.')
output deploymentContainerUrl string = storage.outputs.deploymentContainerUrl

@description('Key Vault secrets to set before the app can start: sessionSigningKey (base64 of at least 32 random bytes) and users (user name -> name of the secret holding its password).')
output keyVaultItems object = {
  sessionSigningKey: sessionKeySecretName
  users: userSecretNames
}
