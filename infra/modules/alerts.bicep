// Alerts on the service's own figures: an action group and one log search alert rule per condition an operator
// must hear about (docs/deploy.md, "Alerts", says what each means and what to do).
//
// Log search rules (scheduledQueryRules) over the Application Insights tables, not metric alerts: the XQueue
// meter reaches Application Insights through OpenTelemetry as custom metrics, which land in customMetrics with
// their tags (queue, outcome) in customDimensions. Metric alerts see custom metric dimensions only once
// "alerting on custom metric dimensions" is switched on for the component (not settable here), cannot be
// created before the metric has been sent once, and cannot say "no pull at all": a counter that counted nothing
// sends no point. A query can (graders-silent.kql joins the waiting gauge with the absence of pulls).

@export()
@description('Lengths of a rule\'s window the alert rules accept, in minutes (a condition held "for N minutes").')
type alertWindowMinutes = 5 | 10 | 15 | 30 | 45 | 60 | 120 | 180 | 240 | 360 | 720 | 1440

@description('Prefix of the rule names (the deployment\'s baseName).')
param baseName string

@description('Azure region of the rules.')
param location string

@description('Application Insights name: the rules query its tables.')
param appInsightsName string

@description('E-mail address the action group notifies; empty for none (the alerts still show in the portal).')
param email string

@description('Minutes a queue must have had submissions waiting, with no pull by any grader, before "graders silent" fires.')
param gradersSilentMinutes alertWindowMinutes

@description('Minutes the oldest waiting submission of a queue may wait before "oldest waiting" fires.')
param oldestWaitingMinutes int

@description('Failed (poison) submissions of a queue tolerated within 15 minutes; one more fires "submissions failed".')
param failedSubmissionsThreshold int

@description('Minutes results may wait for delivery without any delivery succeeding before "results undeliverable" fires.')
param undeliverableMinutes alertWindowMinutes

@description('Requests answered with HTTP 5xx tolerated within 15 minutes; one more fires "server errors".')
param serverErrorsThreshold int

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${baseName}'
  location: 'global'
  properties: {
    groupShortName: take(baseName, 12)
    enabled: true
    emailReceivers: empty(email) ? [] : [
      {
        name: 'operator'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

// A rule's window is an ISO 8601 duration; whole hours are written in hours, as the portal writes them.
func duration(minutes int) string => minutes % 60 == 0 ? 'PT${minutes / 60}H' : 'PT${minutes}M'

// Queries that compare times within the window are told its length.
func withWindow(minutes int, query string) string => 'let window = ${minutes}m;\n${query}'

var byQueue = [
  {
    name: 'queue'
    operator: 'Include'
    values: [
      '*'
    ]
  }
]

var rules = [
  {
    name: 'graders-silent'
    title: 'XQueue: graders silent'
    description: 'A queue had submissions waiting for ${gradersSilentMinutes} minutes and no grader pulled any.'
    severity: 1
    windowMinutes: gradersSilentMinutes
    query: withWindow(gradersSilentMinutes, loadTextContent('alerts/graders-silent.kql'))
    measure: null
    aggregation: 'Count'
    threshold: 0
    dimensions: byQueue
  }
  {
    name: 'oldest-waiting'
    title: 'XQueue: oldest waiting submission too old'
    description: 'A queue\'s oldest waiting submission has waited more than ${oldestWaitingMinutes} minutes.'
    severity: 2
    windowMinutes: 5
    query: loadTextContent('alerts/oldest-waiting.kql')
    measure: 'ageSeconds'
    aggregation: 'Maximum'
    threshold: oldestWaitingMinutes * 60
    dimensions: byQueue
  }
  {
    name: 'submissions-failed'
    title: 'XQueue: submissions failed'
    description: 'More than ${failedSubmissionsThreshold} submissions of a queue failed (pulled too often without an answer) in 15 minutes.'
    severity: 2
    windowMinutes: 15
    query: loadTextContent('alerts/submissions-failed.kql')
    measure: 'failed'
    aggregation: 'Total'
    threshold: failedSubmissionsThreshold
    dimensions: byQueue
  }
  {
    name: 'results-undeliverable'
    title: 'XQueue: results not deliverable to the LMS'
    description: 'Results have waited ${undeliverableMinutes} minutes for delivery to the LMS and none was delivered.'
    severity: 1
    windowMinutes: undeliverableMinutes
    query: withWindow(undeliverableMinutes, loadTextContent('alerts/results-undeliverable.kql'))
    measure: null
    aggregation: 'Count'
    threshold: 0
    dimensions: []
  }
  {
    name: 'deliveries-given-up'
    title: 'XQueue: deliveries given up'
    description: 'The LMS did not accept a result within XQueue:Delivery:GiveUpAfter, and the service stopped trying.'
    severity: 1
    windowMinutes: 15
    query: loadTextContent('alerts/deliveries-given-up.kql')
    measure: 'gaveUp'
    aggregation: 'Total'
    threshold: 0
    dimensions: byQueue
  }
  {
    name: 'server-errors'
    title: 'XQueue: server errors'
    description: 'More than ${serverErrorsThreshold} requests were answered with HTTP 5xx in 15 minutes.'
    severity: 2
    windowMinutes: 15
    query: loadTextContent('alerts/server-errors.kql')
    measure: 'serverErrors'
    aggregation: 'Total'
    threshold: serverErrorsThreshold
    dimensions: []
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: '${baseName}-${rule.name}'
  location: location
  properties: {
    displayName: rule.title
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: duration(rule.windowMinutes)
    criteria: {
      allOf: [
        {
          query: rule.query
          metricMeasureColumn: rule.measure
          timeAggregation: rule.aggregation
          operator: 'GreaterThan'
          threshold: rule.threshold
          dimensions: rule.dimensions
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Resolved by itself once the condition no longer holds.
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}]

@description('Name of the action group the rules notify.')
output actionGroupName string = actionGroup.name
