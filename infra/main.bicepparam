// The parameters of one deployment of infra/main.bicep (docs/deploy.md, step 2). The compiler checks every value
// against its declaration: `bicep build-params infra/main.bicepparam` reports a misspelt name or a value out of range.
using 'main.bicep'

param baseName = 'xqueue'
param location = 'eastus'

// Names exactly as the LMS and the graders spell them; per-queue settings are optional.
param queues = {
  'test-pull': {}
  'MITx-6.00x': {
    PushUrl: ''
    ProcessingDelay: '00:05:00'
  }
}

// Each password goes in the Key Vault secret the deployment's keyVaultItems output names (step 4).
param users = [
  {
    name: 'lms'
    roles: 'submit'
  }
  {
    name: 'grader'
    roles: 'grade'
  }
]

param processingDelay = '00:01:00'
param maxFailures = 3
param storagePrefix = ''

// Who may set the secrets (Key Vault Secrets Officer): read from the environment of the deploying shell, as each
// operator's id differs (step 3 sets it); empty when unset, and then nobody gets the role.
param operatorObjectId = readEnvironmentVariable('XQUEUE_OPERATOR_OBJECT_ID', '')

// Where alerts are e-mailed; empty sends none (they still show in the portal).
param alertEmail = ''
